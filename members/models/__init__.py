"""The member club (客户会): settings, tiers, members and their cards, the points ledger, referrals."""

from .benefits import Benefit, Redemption
from .care import CarePlan
from .events import ClubEvent, EventRegistration
from .ledger import LedgerEntry
from .members import Member, MemberQuerySet
from .referrals import Referral
from .settings import MemberSettings
from .tiers import Tier, TierChange

__all__ = [
    "Benefit",
    "CarePlan",
    "ClubEvent",
    "EventRegistration",
    "Redemption",
    "LedgerEntry",
    "Member",
    "MemberQuerySet",
    "MemberSettings",
    "Referral",
    "Tier",
    "TierChange",
]
