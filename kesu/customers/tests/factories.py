import factory

from kesu.customers.choices import PurchaseKind
from kesu.customers.models import Customer, Purchase
from kesu.organisation.tests.factories import OrganisationFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    customer = factory.SubFactory(CustomerFactory)
    kind = PurchaseKind.VEHICLE
    product = "朗逸 2024款"
