"""The member-service role, and what other roles may do in the club (crm_site.roles; `manage.py seed_roles`)."""

from django.utils.translation import gettext_lazy as _

from crm_site.roles import DIRECTORY, Role, Scope, define, grant

MEMBER_VIEW = ["members.view_member", "members.view_ledgerentry", "members.view_referral", "members.view_tier"]
EVENTS_AND_BENEFITS = [
    "members.view_clubevent",
    "members.add_clubevent",
    "members.change_clubevent",
    "members.add_eventregistration",
    "members.view_benefit",
    "members.view_redemption",
    "members.add_redemption",
    "members.change_redemption",
]
# The club's configuration pages: tiers, the benefits catalogue, earn rules and settings.
CLUB_CONFIG = [
    "members.add_tier",
    "members.change_tier",
    "members.add_benefit",
    "members.change_benefit",
    "members.view_membersettings",
    "members.change_membersettings",
]
CARE_PLANS = ["members.view_careplan", "members.add_careplan", "members.change_careplan"]
MEMBER_WORK = [
    *MEMBER_VIEW,
    *CARE_PLANS,
    *EVENTS_AND_BENEFITS,
    "members.add_member",
    "members.change_member",
    "members.add_ledgerentry",
    "members.add_referral",
]

define(
    Role(
        "member_service",
        _("Member service"),
        Scope.ALL,
        (
            *DIRECTORY,
            "customers.view_customer",
            "customers.add_customer",
            "customers.view_interaction",
            "customers.add_interaction",
            "sales.view_project",
            "sales.view_deal",
            *MEMBER_WORK,
            "members.adjust_points",
            "members.view_member_dashboard",
            *CLUB_CONFIG,
        ),
    )
)
grant(
    "marketing",
    *MEMBER_WORK,
    "members.adjust_points",
    "members.view_member_dashboard",
    "members.change_tier",
    "members.add_tier",
    "members.add_benefit",
    "members.change_benefit",
)
# Reps see and enrol their own customers (the scope keeps them to their own) and register referrals.
REP_EVENTS = ["members.view_clubevent", "members.add_eventregistration"]
grant("sales_rep", *MEMBER_VIEW, *REP_EVENTS, "members.add_member", "members.add_referral")
grant("sales_manager", *MEMBER_VIEW, *REP_EVENTS, "members.add_member", "members.add_referral")
grant("executive", *MEMBER_VIEW, "members.view_clubevent", "members.view_member_dashboard")
grant(
    "admin",
    *MEMBER_WORK,
    "members.adjust_points",
    "members.view_member_dashboard",
    "members.change_tier",
    "members.add_tier",
    "members.change_membersettings",
    "members.add_benefit",
    "members.change_benefit",
)
