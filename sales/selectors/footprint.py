"""Which kinds of sales rows a customer has, read in one query and kept on the customer for the request.

The 360 page asks every part of sales for timeline events and its section; most files never reach a deal, so
one EXISTS query lets those parts skip their own queries.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from customers.models import Customer
from sales.models import CampaignLead, CompetitorMove, Lease, Opportunity, PartnerRegistration, Promise


@dataclass(frozen=True)
class Footprint:
    opportunities: bool  # and with them stage changes, deals and their payments
    leases: bool
    promises: bool
    marketing: bool  # partner registrations, competitor moves, the campaign lead


def sales_footprint(customer) -> Footprint:
    cached = getattr(customer, "_sales_footprint", None)
    if cached is not None:
        return cached
    mine = {"customer": OuterRef("pk")}
    row = (
        Customer.objects.filter(pk=customer.pk)
        .values("pk")
        .annotate(
            o=Exists(Opportunity.objects.filter(**mine)),
            le=Exists(Lease.objects.filter(tenant=OuterRef("pk"))),
            p=Exists(Promise.objects.filter(**mine)),
            r=Exists(PartnerRegistration.objects.filter(**mine)),
            m=Exists(CompetitorMove.objects.filter(**mine)),
            c=Exists(CampaignLead.objects.filter(**mine)),
        )
        .first()
    )
    result = Footprint(False, False, False, False)
    if row is not None:
        result = Footprint(row["o"], row["le"], row["p"], row["r"] or row["m"] or row["c"])
    customer._sales_footprint = result
    return result
