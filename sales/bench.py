"""Benchmark scenarios of the sales pages (`manage.py bench --only sales.`), on data from `seed_bench --units ... --opportunities ...`.

A scenario whose page is not wired yet (NoReverseMatch) or whose data is missing reports "no data".
"""

from django.urls import NoReverseMatch, reverse

from crm_site.bench import Input, Scenario, register, sample_ids
from customers.bench import stratum, weight


def _url(name: str, *args, query: str = "", needs=None):
    """The URL of `name` (with `query`), or None while the page does not exist or `needs` has no rows."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    if needs is not None and not needs.exists():
        return None
    return f"{url}?{query}" if query else url


def _grid(user):
    """The sales-control grid of the biggest building (the 2,000-unit grid tower on bench data)."""
    from django.db.models import Count

    from sales.benchdata import GRID_BUILDING
    from sales.models import Building

    building = Building.objects.filter(name=GRID_BUILDING).first()
    if building is None:
        building = Building.objects.annotate(size=Count("units")).order_by("-size", "id").first()
    return _url("sales:building-grid", building.pk) if building else None


def _deals():
    from sales.models import Deal

    return Deal.objects.all()


def _installments():
    from sales.models import Installment

    return Installment.objects.all()


def _promises():
    from sales.models import Promise

    return Promise.objects.all()


def _opportunities():
    from sales.models import Opportunity

    return Opportunity.objects.all()


def _customers_of(model_path: str, column: str):
    """A stratum of the 360 page: customers of random rows of `model_path` the user may see."""

    def draw(user, rng, n):
        from django.apps import apps

        model = apps.get_model(model_path)
        return sample_ids(model.objects.visible_to(user).filter(**{f"{column}__isnull": False}), rng, n, column)

    return draw


def _sales_weight(ids) -> dict:
    """What the 360 page reads from sales per file: stage changes, deals and payments."""
    from django.db.models import Count

    from sales.models import Deal, Payment, StageChange

    totals = {}
    for rows, key in (
        (StageChange.objects.filter(opportunity__customer_id__in=ids), "opportunity__customer_id"),
        (Deal.objects.filter(customer_id__in=ids), "customer_id"),
        (Payment.objects.filter(installment__deal__customer_id__in=ids), "installment__deal__customer_id"),
        (Payment.objects.filter(installment__lease__tenant_id__in=ids), "installment__lease__tenant_id"),
    ):
        for row in rows.order_by().values(key).annotate(n=Count("id")):
            totals[row[key]] = totals.get(row[key], 0) + row["n"]
    return totals


stratum("with opportunity", _customers_of("sales.Opportunity", "customer_id"))
stratum("with deal", _customers_of("sales.Deal", "customer_id"))
stratum("with payments", _customers_of("sales.Payment", "installment__deal__customer_id"))
stratum("tenant", _customers_of("sales.Lease", "tenant_id"))
weight(_sales_weight)


def _detail(url_name: str, model_path: str):
    """Pages of random records of `model_path` the user may see."""

    def draw(user, rng, n):
        from django.apps import apps

        model = apps.get_model(model_path)
        try:
            return [reverse(url_name, args=[pk]) for pk in sample_ids(model.objects.visible_to(user), rng, n)]
        except NoReverseMatch:
            return []

    return draw


def _grids(user, rng, n):
    from sales.models import Building

    return [_url("sales:building-grid", pk) for pk in sample_ids(Building.objects.all(), rng, n)]


register(Scenario("sales.grid", "sales_rep", _grid, note="2,000-unit building"))
register(Scenario("sales.grid.any", "sales_rep", draw=_grids, min_distinct=3, note="random buildings"))
register(Scenario("sales.deal", "sales_rep", draw=_detail("sales:deal-detail", "sales.Deal"), min_distinct=3))
register(
    Scenario(
        "sales.opportunity",
        "sales_rep",
        draw=_detail("sales:opportunity-detail", "sales.Opportunity"),
        min_distinct=3,
    )
)
register(
    Scenario(
        "sales.board.team",
        "sales_manager",
        lambda user: _url("sales:opportunity-board", query="who=team", needs=_opportunities()),
        note="kanban of the teams in scope",
    )
)
register(
    Scenario("sales.board.mine", "sales_rep", lambda user: _url("sales:opportunity-board", needs=_opportunities()))
)
register(Scenario("sales.orders", "executive", lambda user: _url("sales:order-analysis", needs=_deals())))


def _funnel_reports(user, rng, n):
    """Funnel reports over drawn periods (a month, a quarter or a year, ending on a random day of the last year)
    for the whole company, a random project or a random team; the year-long company report is its own stratum."""
    import datetime

    from django.utils import timezone

    from crm_site.models import Team
    from sales.models import Project

    url = _url("sales:funnel-report", needs=_opportunities())
    if url is None:
        return []
    projects = list(Project.objects.filter(active=True).values_list("pk", flat=True))
    teams = list(Team.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    inputs = []
    for _ in range(n):
        span = rng.choice([30, 90, 365])
        date_to = today - datetime.timedelta(days=rng.randint(0, 365))
        query = f"date_from={date_to - datetime.timedelta(days=span - 1):%Y-%m-%d}&date_to={date_to:%Y-%m-%d}"
        scope = rng.choice(["company", "project", "team"])
        if scope == "project" and projects:
            query += f"&project={rng.choice(projects)}"
        elif scope == "team" and teams:
            query += f"&team={rng.choice(teams)}"
        else:
            scope = "company"
        groups = (scope, "company, a year") if scope == "company" and span == 365 else (scope,)
        inputs.append(Input(f"{url}?{query}", groups))
    return inputs


register(
    Scenario(
        "sales.funnel_report",
        "executive",
        draw=_funnel_reports,
        min_distinct=3,
        note="drawn periods and filters; REPORT_CACHE_SECONDS=0 to time the computation",
    )
)
register(Scenario("sales.collection", "executive", lambda user: _url("sales:collection-report", needs=_installments())))
register(Scenario("sales.deals", "sales_rep", lambda user: _url("sales:deal-list", needs=_deals())))
register(
    Scenario(
        "sales.installments",
        "sales_manager",
        lambda user: _url("sales:installment-list", query="due=overdue", needs=_installments()),
        note="overdue",
    )
)
register(Scenario("sales.promises", "sales_manager", lambda user: _url("sales:promise-list", needs=_promises())))
