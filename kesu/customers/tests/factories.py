import factory

from kesu.customers.choices import PurchaseKind
from kesu.customers.models import Customer, Purchase
from kesu.organisation.tests.factories import OrganisationFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    organisation = factory.SubFactory(OrganisationFactory)
    # The organisation's first branch is the home branch unless a test says otherwise.
    branch = factory.LazyAttribute(lambda o: o.organisation.branches.order_by("id").first())
    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")


class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    customer = factory.SubFactory(CustomerFactory)
    kind = PurchaseKind.VEHICLE
    product = "朗逸 2024款"
