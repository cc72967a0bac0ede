"""Writes of the member club, one module per part."""

from .benefits import (
    redemption_cancel,
    redemption_create,
    redemption_fulfil,
    redemption_grant,
    redemption_set_status,
)
from .care import care_plan_eligibility, care_plan_save, greetings_send
from .catalogue import benefit_save, member_settings_save, tier_save
from .contracts import contract_cancelled, contract_points, contract_signed
from .earning import PROFILE_FIELDS, profile_complete, profile_points, survey_points
from .events import (
    audience_check,
    event_cancel_registration,
    event_check_in,
    event_create,
    event_register,
    event_update,
)
from .household import family_holder_for, member_join_household, member_leave_household
from .ledger import (
    available,
    balances_reconcile,
    expiring,
    points_adjust,
    points_earn,
    points_expire,
    points_expire_all,
    points_reverse,
    points_spend,
)
from .members import AlreadyMember, member_enrol, member_ensure, member_set_status
from .referrals import ReferralRefused, referral_create, referral_reverse, referral_reward
from .tiers import qualifying_points, tier_owed, tier_promote, tiers_review, units_owned

__all__ = [
    "AlreadyMember",
    "PROFILE_FIELDS",
    "profile_complete",
    "profile_points",
    "survey_points",
    "ReferralRefused",
    "audience_check",
    "available",
    "care_plan_eligibility",
    "care_plan_save",
    "benefit_save",
    "member_settings_save",
    "tier_save",
    "balances_reconcile",
    "contract_cancelled",
    "event_cancel_registration",
    "event_check_in",
    "event_create",
    "event_register",
    "event_update",
    "greetings_send",
    "redemption_cancel",
    "redemption_create",
    "redemption_fulfil",
    "redemption_grant",
    "redemption_set_status",
    "contract_points",
    "contract_signed",
    "expiring",
    "family_holder_for",
    "member_join_household",
    "member_leave_household",
    "member_enrol",
    "member_ensure",
    "member_set_status",
    "points_adjust",
    "points_earn",
    "points_expire",
    "points_expire_all",
    "points_reverse",
    "points_spend",
    "qualifying_points",
    "referral_create",
    "referral_reverse",
    "referral_reward",
    "tier_owed",
    "tier_promote",
    "tiers_review",
    "units_owned",
]
