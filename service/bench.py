"""Benchmark scenarios of the service pages (`manage.py bench --only service.`), on `seed_bench --tickets ...`.

The status page is public and keyed by the session: `service.status_page` times the lookup (POST) and the page
in `manage.py bench_service`, which also times the escalation job.
"""

from django.urls import reverse

from crm_site.bench import Scenario, register


def _board(user):
    from django.db.models import Count

    from service.models import CertificateCase

    row = CertificateCase.objects.values("project_id").annotate(n=Count("id")).order_by("-n").first()
    return f"{reverse('service:certificate-board')}?project={row['project_id']}" if row else None


register(Scenario("service.queue", "service_agent", lambda user: reverse("service:ticket-list")))
register(Scenario("service.queue_mine", "service_agent", lambda user: f"{reverse('service:ticket-list')}?mine=on"))
register(Scenario("service.board", "service_manager", _board, note="the project with the most cases"))
register(Scenario("service.my_day", "service_agent", lambda user: "/my-day/"))
register(
    Scenario(
        "service.customers.manager",
        "service_manager",
        lambda user: "/customers/",
        note="every served file (a subquery past RELATED_INLINE_LIMIT)",
    )
)
register(Scenario("service.customers.agent", "service_agent", lambda user: "/customers/", note="served files"))
register(Scenario("service.api.tickets", "service_agent", lambda user: "/api/v1/service/tickets/", api=True))
