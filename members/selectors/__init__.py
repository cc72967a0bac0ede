"""Reads of the member club, one module per part."""

from .care import care_plan_list, key_accounts_without_plan
from .events import benefit_catalogue, benefits_for, event_list, event_registrations, redemption_list
from .members import (
    MemberPage,
    customer_by_number,
    household_of,
    member_get,
    member_list,
    member_lookup,
    member_page,
    referral_list,
)

__all__ = [
    "benefit_catalogue",
    "care_plan_list",
    "key_accounts_without_plan",
    "benefits_for",
    "customer_by_number",
    "household_of",
    "event_list",
    "event_registrations",
    "redemption_list",
    "MemberPage",
    "member_get",
    "member_list",
    "member_lookup",
    "member_page",
    "referral_list",
]
