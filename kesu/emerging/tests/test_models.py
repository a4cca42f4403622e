import pytest

from kesu.emerging.models import Membership, Watermark

pytestmark = pytest.mark.django_db


def test_names(raised, world):
    assert str(raised) == raised.label == "冷启动正时链条异响"
    member = Membership.objects.filter(issue=raised).first()
    assert str(member) == f"{raised.pk}:{member.complaint_id}"
    assert str(Watermark.objects.get(organisation=world.org)).startswith(f"{world.org.pk}: ")


def test_a_complaint_is_in_one_cluster_at_most(raised):
    from django.db import IntegrityError, transaction

    member = Membership.objects.filter(issue=raised).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            issue=raised,
            complaint_id=member.complaint_id,
            branch_id=member.branch_id,
            received_at=member.received_at,
        )
