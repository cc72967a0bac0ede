"""Analytics in the demo: two saved reports of the sales director, shared with the sales department, and a weekly
schedule, so the report builder opens on something (idempotent: found by name)."""

from crm_site import seeding

REPORTS = [
    (
        "Deals by stage and rep",
        {
            "type": "deals",
            "group": ["stage", "owner"],
            "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "price"}],
            "chart": "bar",
        },
    ),
    (
        "Customers by source",
        {"type": "customers", "group": ["source"], "aggregates": [{"fn": "count"}], "chart": "pie"},
    ),
]


def demo(options, stdout) -> None:
    from django.contrib.auth import get_user_model

    from analytics.models import ReportSchedule, SavedReport
    from analytics.selectors.builder import parse
    from analytics.services.builder import report_save, schedule_save

    director = get_user_model().objects.filter(username="director").select_related("staff").first()
    if director is None:
        return
    team = director.staff.team if hasattr(director, "staff") else None
    for name, raw in REPORTS:
        report = SavedReport.objects.filter(owner=director, name=name).first()
        if report is None:
            report = report_save(user=director, definition=parse(raw), name=name, team=team)
        if not ReportSchedule.objects.filter(report=report).exists():
            schedule_save(
                user=director, report=report, dashboard_kind="", frequency="weekly", fmt="xlsx", recipients=[director]
            )
    stdout.write("Analytics: demo saved reports ready.\n")


seeding.register("analytics", 90, demo=demo)
