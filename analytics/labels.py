"""Names of facts, factors and tree features as people read them (both languages)."""

from django.utils.translation import gettext_lazy as _

LOYALTY_FACTORS = {
    "repeat_purchases": _("Repeat purchases"),
    "referrals": _("Referrals made"),
    "member_tier": _("Membership tier"),
    "member_active": _("Member activity"),
    "satisfaction": _("Satisfaction"),
    "complaints": _("Complaints"),
    "tenure_years": _("Years as a customer"),
}
RISK_REASONS = {
    "overdue_installments": _("Overdue installments"),
    "open_complaints": _("Open complaints"),
    "broken_promises": _("Broken promises"),
    "cancelled_deals": _("Cancelled deals"),
}
CHURN_FEATURES = {
    "interactions_90": _("Contacts in the last 90 days"),
    "days_since_contact": _("Days since the last contact"),
    "visits": _("Visits"),
    "promises": _("Promises made"),
    "open_opportunities": _("Open opportunities"),
    "stage_reached": _("Furthest stage reached (0 = lead … 5 = contract)"),
    "tenure_days": _("Days since the file was created"),
    "has_intent": _("Intent recorded (1 = yes)"),
}
OWNER_CHURN_FEATURES = {
    "recent_tickets": _("Tickets in the last 180 days"),
    "open_complaints": _("Open complaints"),
    "escalated_complaints": _("Complaints escalated so far"),
    "satisfaction": _("Satisfaction (1–5, 0 = no answer)"),
    "member_active": _("Member activity in the last 90 days (1 = yes)"),
    "referrals": _("Referrals made"),
    "days_since_contact": _("Days since the last contact"),
    "owner_days": _("Days as an owner"),
}
# A churn reason names its feature; the two populations' names do not clash (a name in both means the same).
ALL_CHURN_FEATURES = {**CHURN_FEATURES, **OWNER_CHURN_FEATURES}
PROFIT_CLASS_FEATURES = {
    "income_band": _("Income"),
    "age_years": _("Age in years"),
    "has_district": _("Home district recorded"),
    "intent_budget": _("Newest intent's budget ceiling"),
    "visits": _("Visits"),
    "referrals": _("Referrals made"),
    "tenure_days": _("Days since the file was created"),
}
