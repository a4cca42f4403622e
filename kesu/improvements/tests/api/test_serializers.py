from kesu.improvements.api.serializers import ImprovementSerializer
from kesu.organisation.choices import Role


class _Request:
    def __init__(self, user):
        self.user = user


def test_the_linked_complaints_are_those_the_reader_sees(world, actions):
    mine = world.complaint()
    theirs = world.complaint(actor=world.other_users[Role.FRONTLINE])
    group = world.user(Role.GROUP)
    action = actions.create(actor=group, branch=None, owner=group, complaints=[mine.pk, theirs.pk])
    seen = ImprovementSerializer(action, context={"request": _Request(world.user(Role.DIRECTOR))})
    assert [c["number"] for c in seen.data["complaints"]] == [mine.number]
    everything = ImprovementSerializer(action, context={"request": _Request(group)})
    assert {c["number"] for c in everything.data["complaints"]} == {mine.number, theirs.number}
