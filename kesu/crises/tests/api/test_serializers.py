from kesu.crises import services
from kesu.crises.api.serializers import CrisisDetailSerializer
from kesu.crises.selectors import crisis_with_parts
from kesu.organisation.choices import Role


def test_the_review_shows_once_ended(world, crises):
    crisis = crises.open()
    group = world.user(Role.GROUP)
    assert CrisisDetailSerializer(crisis_with_parts(group, crisis.pk)).data["review"] is None
    services.crisis_end(
        actor=group, crisis_id=crisis.pk, what_happened="a", what_worked="b", what_to_change="c"
    )
    review = CrisisDetailSerializer(crisis_with_parts(group, crisis.pk)).data["review"]
    assert review == {"what_happened": "a", "what_worked": "b", "what_to_change": "c"}
