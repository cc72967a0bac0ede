"""Benchmark scenarios of analytics (crm_site.bench): the dashboards, as their landing roles open them, and a
customer page with its scores section. Dashboards are cached per night and scope: the first request builds,
the rest read the cache (the bench's warm-up absorbs the build; analytics_cold measures it: see the report)."""

from crm_site.bench import Scenario, register


def _scored_customer(user):
    from analytics.models import CustomerScore
    from analytics.models.scores import latest_night

    night = latest_night()
    score = CustomerScore.objects.filter(night=night, owner=user).order_by("-net_profit").first() if night else None
    return f"/customers/{score.customer_id}/" if score else None


register(Scenario("analytics.company", "executive", lambda user: "/analytics/company/"))
register(Scenario("analytics.team", "sales_manager", lambda user: "/analytics/team/"))
register(Scenario("analytics.customer_scores", "sales_rep", _scored_customer))
