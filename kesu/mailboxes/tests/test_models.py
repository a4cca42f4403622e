import pytest
from django.core.exceptions import ValidationError

from kesu.mailboxes.models import Mailbox, MessageTemplate
from kesu.organisation.choices import Role


def _mailbox(world, **kwargs):
    values = dict(
        organisation=world.org,
        branch=world.branch,
        address="s@east.test",
        host="imap.example.test",
        username="u",
        password="p",
        intake_user=world.user(Role.FRONTLINE),
    )
    return Mailbox(**(values | kwargs))


def test_the_intake_user_must_be_a_registering_member_of_the_branch(world):
    _mailbox(world).full_clean()
    with pytest.raises(ValidationError) as other_branch:
        _mailbox(world, intake_user=world.other_users[Role.FRONTLINE]).full_clean()
    assert "intake_user" in other_branch.value.message_dict
    with pytest.raises(ValidationError):
        _mailbox(world, intake_user=world.user(Role.ADMIN)).full_clean()


def test_a_template_with_a_bad_placeholder_does_not_validate(world):
    template = MessageTemplate.objects.filter(organisation=world.org).first()
    template.body = "Dear {customer.name}"
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "body" in error.value.message_dict
