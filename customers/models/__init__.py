"""Customer files and everything hanging off them."""

from .contacts import CustomerMember, CustomerPhone
from .customer import Customer, CustomerQuerySet
from .inquiries import Inquiry
from .intent import PurchaseIntent
from .interactions import Interaction
from .ownership import CustomerConflict, CustomerShare, Handover
from .policy import CustomerSettings, LevelPolicy
from .saved import SavedFilter
from .visits import DailyReport, VisitPlan

__all__ = [
    "Customer",
    "CustomerConflict",
    "CustomerMember",
    "CustomerPhone",
    "CustomerQuerySet",
    "CustomerSettings",
    "CustomerShare",
    "DailyReport",
    "Handover",
    "Inquiry",
    "Interaction",
    "LevelPolicy",
    "PurchaseIntent",
    "SavedFilter",
    "VisitPlan",
]
