"""The admin pages of the mailboxes and templates, in both languages."""

import pytest
from django.urls import reverse

from kesu.mailboxes.models import Mailbox, MessageTemplate
from kesu.organisation.choices import Role


@pytest.fixture
def admin_client_(client, world):
    user = world.user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_open_in_both_languages(admin_client_, world, language):
    template = MessageTemplate.objects.filter(organisation=world.org).first()
    for url in (
        reverse("admin:mailboxes_mailbox_changelist"),
        reverse("admin:mailboxes_mailbox_add"),
        reverse("admin:mailboxes_messagetemplate_changelist"),
        reverse("admin:mailboxes_messagetemplate_change", args=[template.pk]),
        reverse("admin:mailboxes_inboundmail_changelist"),
        reverse("admin:mailboxes_customermessage_changelist"),
    ):
        response = admin_client_.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url


def test_a_bad_placeholder_is_a_form_error_not_a_500(admin_client_, world):
    template = MessageTemplate.objects.filter(organisation=world.org, channel="email").first()
    url = reverse("admin:mailboxes_messagetemplate_change", args=[template.pk])
    response = admin_client_.post(
        url,
        {
            "organisation": world.org.pk,
            "kind": template.kind,
            "channel": template.channel,
            "language": template.language,
            "subject": "{number}",
            "body": "Dear {customer.__class__}",
        },
    )
    assert response.status_code == 200
    assert "attributes and indexes" in response.content.decode()


def test_the_password_is_not_shown_and_kept_when_left_empty(admin_client_, world):
    mailbox = Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="s@east.test",
        host="h",
        username="u",
        password="secret-pw",
        intake_user=world.user(Role.FRONTLINE),
    )
    url = reverse("admin:mailboxes_mailbox_change", args=[mailbox.pk])
    assert "secret-pw" not in admin_client_.get(url).content.decode()
    data = {
        "organisation": world.org.pk,
        "branch": world.branch.pk,
        "address": "s@east.test",
        "host": "imap.east.test",
        "port": 993,
        "security": "ssl",
        "username": "u",
        "password": "",
        "folder": "INBOX",
        "intake_user": world.user(Role.FRONTLINE).pk,
        "is_active": "on",
    }
    assert admin_client_.post(url, data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.host == "imap.east.test" and mailbox.password == "secret-pw"


@pytest.mark.parametrize(
    "language,words", [("en", "Too many mails from this sender"), ("zh-hans", "发件人")]
)
def test_the_reason_of_a_received_mail_is_in_words(admin_client_, world, language, words):
    from kesu.mailboxes.models import InboundMail

    mailbox = Mailbox.objects.create(
        organisation=world.org,
        branch=world.branch,
        address="s@east.test",
        host="h",
        username="u",
        password="p",
        intake_user=world.user(Role.FRONTLINE),
    )
    mail = InboundMail.objects.create(
        mailbox=mailbox, message_id="<b@x>", status="ignored", reason="burst"
    )
    for url in (
        reverse("admin:mailboxes_inboundmail_changelist"),
        reverse("admin:mailboxes_inboundmail_change", args=[mail.pk]),
    ):
        page = admin_client_.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert words in page and ">burst<" not in page, url
