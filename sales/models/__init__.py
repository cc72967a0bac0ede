"""Sales: inventory, the funnel, deals on units, money, promises, quotas, partners, leasing."""

from .deals import Deal, DealQuerySet, SalesSettings
from .funnel import Campaign, CampaignLead, Competitor, CompetitorMove, Opportunity, OpportunityQuerySet, StageChange
from .inventory import Building, PriceAdjustment, Project, Unit, UnitPriceChange
from .leasing import Lease
from .money import Installment, Payment
from .partners import Commission, CommissionRule, Partner, PartnerRegistration
from .promises import Promise
from .quotas import SalesTarget

__all__ = [
    "Building",
    "Campaign",
    "CampaignLead",
    "Commission",
    "CommissionRule",
    "Competitor",
    "CompetitorMove",
    "Deal",
    "DealQuerySet",
    "Installment",
    "Lease",
    "Opportunity",
    "OpportunityQuerySet",
    "Partner",
    "PartnerRegistration",
    "Payment",
    "PriceAdjustment",
    "Project",
    "Promise",
    "SalesSettings",
    "SalesTarget",
    "StageChange",
    "Unit",
    "UnitPriceChange",
]
