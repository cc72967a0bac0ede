from .catalogue import BenefitForm, CarePlanForm, MemberSettingsForm, TierForm
from .events import CancelForm, EventForm, NumberForm, RedeemForm
from .members import AdjustForm, DashboardFilterForm, LookupForm, MemberFilterForm, ReferralFilterForm, ReferralForm

__all__ = [
    "AdjustForm",
    "BenefitForm",
    "CarePlanForm",
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
