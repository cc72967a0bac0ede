"""Factories for the sales models shared by every sales test module (add domain-specific ones in your own module)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from sales.models import Building, Deal, Lease, Opportunity, StageChange, Unit
from tests.factories import CustomerFactory, ProjectFactory


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"B{n}")
    floors = 20


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    project = factory.SelfAttribute("building.project")
    floor = factory.Sequence(lambda n: n % 20 + 1)
    number = factory.Sequence(lambda n: f"{n % 20 + 1}{n % 4 + 1:02d}-{n}")
    rooms = 3
    halls = 2
    baths = 2
    building_area = Decimal("100.00")
    usable_area = Decimal("80.00")
    orientation = Unit.Orientation.SOUTH
    list_price = Decimal("2000000.00")
    cost_basis = Decimal("1500000.00")


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    project = factory.SubFactory(ProjectFactory)
    owner = factory.SelfAttribute("customer.owner")
    team = factory.LazyAttribute(lambda opp: opp.owner.staff.team if opp.owner else None)
    stage = Opportunity.Stage.LEAD
    stage_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        """Record the entry into the current stage, as the services do."""
        if create:
            StageChange.objects.create(opportunity=self, to_stage=self.stage, at=self.stage_changed_at, by=self.owner)


class DealFactory(DjangoModelFactory):
    """A live reservation; pass stage/price/signed_on for later stages (does not move the unit's status)."""

    class Meta:
        model = Deal

    opportunity = factory.SubFactory(OpportunityFactory)
    unit = factory.SubFactory(UnitFactory, building__project=factory.SelfAttribute("...opportunity.project"))
    customer = factory.SelfAttribute("opportunity.customer")
    project = factory.SelfAttribute("opportunity.project")
    owner = factory.SelfAttribute("opportunity.owner")
    deposit = Decimal("50000.00")
    reserved_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    list_price = factory.SelfAttribute("unit.list_price")


class LeaseFactory(DjangoModelFactory):
    """A running one-year lease of a shop (the unit marked leased), made by the tenant's owner."""

    class Meta:
        model = Lease

    tenant = factory.SubFactory(CustomerFactory)
    unit = factory.SubFactory(UnitFactory, use=Unit.Use.SHOP, for_lease=True, status=Unit.Status.LEASED)
    project = factory.SelfAttribute("unit.project")
    owner = factory.SelfAttribute("tenant.owner")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda lease: lease.starts_on + datetime.timedelta(days=365))
    monthly_rent = Decimal("8000.00")
    signed_on = factory.SelfAttribute("starts_on")
