"""kesu/webhooks/forms.py: the endpoint form offers only the organisation's branches."""

from kesu.organisation.tests.factories import BranchFactory, OrganisationFactory
from kesu.webhooks.forms import DeliveryFilterForm, EndpointForm


def test_the_branches_offered_are_the_organisations(world):
    BranchFactory(organisation=OrganisationFactory(), code="elsewhere")
    form = EndpointForm(organisation_id=world.org.pk)
    assert set(form.fields["branches"].queryset) == {world.branch, world.other_branch}
    form = EndpointForm(
        {"url": "https://crm.example.cn/", "description": "CRM", "events": ["complaint.created"]},
        organisation_id=world.org.pk,
    )
    assert form.is_valid()
    assert form.values()["branch_ids"] == [] and form.values()["is_active"] is False


def test_the_filters_take_the_endpoints_given(endpoint):
    form = DeliveryFilterForm({"endpoint": str(endpoint.pk)}, endpoints=[endpoint])
    assert form.is_valid() and form.cleaned_data["endpoint"] == endpoint.pk
    assert not DeliveryFilterForm({"endpoint": "999"}, endpoints=[endpoint]).is_valid()
