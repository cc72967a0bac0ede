from .events import CancelForm, EventForm, NumberForm, RedeemForm
from .members import AdjustForm, DashboardFilterForm, LookupForm, MemberFilterForm, ReferralFilterForm, ReferralForm

__all__ = [
    "AdjustForm",
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
