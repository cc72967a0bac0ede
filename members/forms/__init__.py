from .events import CancelForm, EventForm, NumberForm, RedeemForm
from .members import AdjustForm, LookupForm, MemberFilterForm, ReferralFilterForm, ReferralForm

__all__ = [
    "AdjustForm",
    "CancelForm",
    "EventForm",
    "LookupForm",
    "MemberFilterForm",
    "NumberForm",
    "RedeemForm",
    "ReferralFilterForm",
    "ReferralForm",
]
