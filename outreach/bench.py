"""Benchmark scenarios of outreach pages (`manage.py bench --only outreach.`)."""

from crm_site.bench import Scenario, register


def _largest_send(user):
    from django.db.models import Count

    from outreach.models import Send

    send = Send.objects.annotate(n=Count("messages")).order_by("-n", "-pk").first()
    return f"/outreach/sends/{send.pk}/" if send else None


register(Scenario("outreach.sends", "marketing", lambda user: "/outreach/sends/"))
register(Scenario("outreach.send_report", "marketing", _largest_send, note="the send with the most messages"))
register(Scenario("outreach.templates", "marketing", lambda user: "/outreach/templates/"))
register(Scenario("outreach.notifications", "sales_rep", lambda user: "/outreach/notifications/"))
register(Scenario("outreach.badge", "sales_rep", lambda user: "/outreach/notifications/badge/", {"HX-Request": "true"}))
