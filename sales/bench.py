"""Benchmark scenarios of the sales pages (`manage.py bench --only sales.`), on data from `seed_bench --units ... --opportunities ...`.

A scenario whose page is not wired yet (NoReverseMatch) or whose data is missing reports "no data".
"""

from django.urls import NoReverseMatch, reverse

from crm_site.bench import Scenario, register


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


register(Scenario("sales.grid", "sales_rep", _grid, note="2,000-unit building"))
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
