import factory

from kesu.complaints.models import ManufacturerContact
from kesu.organisation.tests.factories import OrganisationFactory


class ManufacturerContactFactory(factory.django.DjangoModelFactory):
    """One of the manufacturer's regional staff, for every branch of the organisation."""

    class Meta:
        model = ManufacturerContact

    organisation = factory.SubFactory(OrganisationFactory)
    branch = None
    name = factory.Sequence(lambda n: f"区域经理{n}")
    title = "区域服务经理"
    region = "华北区"
    brand = "一汽-大众"
    phone = factory.Sequence(lambda n: f"010-6500{n:04d}")
    email = factory.Sequence(lambda n: f"region{n}@maker.example")
