import pytest

from kesu.emerging.notices import issue_payload, recipients
from kesu.notifications.choices import Kind
from kesu.notifications.models import Notification
from kesu.notifications.rendering import render
from kesu.organisation.choices import Role

pytestmark = pytest.mark.django_db


def test_the_director_and_the_owning_departments_managers_are_told_once(raised, world):
    people = recipients(raised, [world.branch.pk])
    assert world.user(Role.DIRECTOR) in people
    assert world.user(Role.HANDLER) in people
    assert world.user(Role.FRONTLINE) not in people
    assert world.user(Role.GROUP) not in people  # one branch's: not the group's
    inbox = Notification.objects.filter(kind=Kind.EMERGING_ISSUE, channel="inbox")
    assert sorted(inbox.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)


def test_a_cluster_of_several_branches_tells_the_group(raised, world):
    raised.branch = None
    assert world.user(Role.GROUP) in recipients(raised, [world.branch.pk])


def test_each_reads_it_in_their_language_with_the_link(raised):
    payload = issue_payload(raised)
    assert payload["path"] == f"/emerging/{raised.pk}/"
    zh = render(Kind.EMERGING_ISSUE, payload, "zh-hans")
    en = render(Kind.EMERGING_ISSUE, payload, "en")
    assert "冷启动正时链条异响" in zh.subject and "上汽大众 朗逸" in zh.subject
    assert en.body.startswith("4 similar complaints about 上汽大众 朗逸, Engine")
    assert zh.link.endswith(f"/emerging/{raised.pk}/")
    assert "发动机" in zh.body
