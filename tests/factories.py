import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from crm_site.models import CustomField, StaffProfile, Team
from crm_site.roles import assign_role
from customers.identity import id_check_digit
from customers.models import Customer, CustomerPhone
from sales.models import Project

PASSWORD = "correct-horse-battery-staple"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Project {n}")
    code = factory.Sequence(lambda n: f"project-{n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            assign_role(self, extracted)

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        if extracted:
            StaffProfile.objects.filter(user=self).update(team=extracted)
            if hasattr(self, "_crm_reach"):
                del self._crm_reach


def phone_for(n: int) -> str:
    return f"139{n:08d}"[:11]


def id_number_for(n: int) -> str:
    first17 = f"11010119900101{n % 1000:03d}"
    return first17 + id_check_digit(first17)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    owner = factory.SubFactory(UserFactory, role="sales_rep")
    team = factory.LazyAttribute(lambda customer: customer.owner.staff.team if customer.owner else None)

    @factory.post_generation
    def identity(self, create, extracted, **kwargs):
        """Register the primary phone, as customer_create does: it is the identity duplicates are found by."""
        if create and self.phone:
            CustomerPhone.objects.get_or_create(customer=self, number=self.phone, defaults={"primary": True})


class CustomFieldFactory(DjangoModelFactory):
    class Meta:
        model = CustomField

    key = factory.Sequence(lambda n: f"field_{n}")
    label_en = factory.Sequence(lambda n: f"Field {n}")
    label_zh = factory.Sequence(lambda n: f"字段{n}")
