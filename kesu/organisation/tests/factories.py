import factory

from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, Department, Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试集团{n}")
    code = factory.Sequence(lambda n: f"org{n}")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"测试4S店{n}")
    code = factory.Sequence(lambda n: f"b{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"d{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.FRONTLINE
    branch = factory.SubFactory(BranchFactory)
    organisation = factory.SelfAttribute("branch.organisation")
    department = None
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
