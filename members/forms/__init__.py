from .members import AdjustForm, LookupForm, MemberFilterForm, ReferralFilterForm, ReferralForm

__all__ = ["AdjustForm", "LookupForm", "MemberFilterForm", "ReferralFilterForm", "ReferralForm"]
