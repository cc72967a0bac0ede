from .catalogue import BenefitForm, MemberSettingsForm, TierForm
from .events import CancelForm, EventForm, NumberForm, RedeemForm
from .members import AdjustForm, DashboardFilterForm, LookupForm, MemberFilterForm, ReferralFilterForm, ReferralForm

__all__ = [
    "AdjustForm",
    "BenefitForm",
    "MemberSettingsForm",
    "TierForm",
    "CancelForm",
    "DashboardFilterForm",
    "EventForm",
    "LookupForm",
    "MemberFilterForm",
    "NumberForm",
    "RedeemForm",
    "ReferralFilterForm",
    "ReferralForm",
]
