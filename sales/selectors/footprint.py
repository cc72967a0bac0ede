"""Which kinds of sales rows a customer has, from the marks the 360 page reads with the file (customers.footprint).

The 360 page asks every part of sales for timeline events and its section; most files never reach a deal, so the
file's EXISTS marks let those parts skip their own queries.
"""

from dataclasses import dataclass

from customers import footprint
from customers.footprint import customer_rows


@dataclass(frozen=True)
class Footprint:
    opportunities: bool  # and with them stage changes, deals and their payments
    leases: bool
    promises: bool
    marketing: bool  # partner registrations, competitor moves, the campaign lead


footprint.register("sales.opportunities", customer_rows("sales.Opportunity"))
footprint.register("sales.leases", customer_rows("sales.Lease", "tenant"))
footprint.register("sales.promises", customer_rows("sales.Promise"))
footprint.register("sales.registrations", customer_rows("sales.PartnerRegistration"))
footprint.register("sales.competitors", customer_rows("sales.CompetitorMove"))
footprint.register("sales.campaigns", customer_rows("sales.CampaignLead"))


def sales_footprint(customer) -> Footprint:
    def has(key):
        return footprint.has(customer, f"sales.{key}")

    return Footprint(
        has("opportunities"),
        has("leases"),
        has("promises"),
        has("registrations") or has("competitors") or has("campaigns"),
    )
