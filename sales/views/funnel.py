"""Funnel pages: the kanban board, the opportunity list and page, create / move / lose, the funnel report."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import customfields, reportcache
from crm_site.pagination import CappedPaginator
from customers.models import Customer
from sales.forms.funnel import (
    BoardFilterForm,
    FunnelReportForm,
    LoseForm,
    MoveForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from sales.models import Opportunity
from sales.selectors import deals as deal_selectors
from sales.selectors import funnel as selectors
from sales.services import funnel as services

PAGE_SIZE = 25


def get_visible(request, pk) -> Opportunity:
    try:
        return selectors.opportunity_get(user=request.user, pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


PK_MARK = "2147483647"  # stands for the card's id in a reversed URL


def with_links(cards):
    """Set each card's detail, move and lose URLs. They are reversed once per page and completed per card by
    concatenation: a reverse() (three per card) costs more than the rest of a card."""
    urls = {
        name: reverse(f"sales:opportunity-{name}", args=[PK_MARK]).split(PK_MARK, 1)
        for name in ("detail", "move", "lose")
    }
    for card in cards:
        pk = str(card.pk)
        card.url, card.move_url, card.lose_url = (pk.join(urls[name]) for name in ("detail", "move", "lose"))
    return cards


@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_board(request):
    form = BoardFilterForm(request.GET or None, user=request.user)
    who = form.selected()
    if who == "mine":  # a rep's own board, read right after moving a card: small, never cached
        board = selectors.board(user=request.user, who=who)
    else:
        board = reportcache.cached(
            "sales.funnel", ("board", who), request.user, lambda: selectors.board(user=request.user, who=who)
        )
    for column in board["columns"]:
        with_links(column.cards)
    context = {
        "form": form,
        "who": who,
        "can_pick": selectors.reaches_others(request.user),
        "can_move": request.user.has_perm("sales.change_opportunity"),
        **board,
    }
    return render(request, "sales/funnel_board.html", context)


@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_list(request):
    form = OpportunityFilterForm(request.GET or None, user=request.user)
    rows = selectors.opportunity_list(user=request.user, **form.filters())
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    template = "sales/funnel_list.html#opportunity-rows" if request.htmx else "sales/funnel_list.html"
    return render(request, template, context)


@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_detail(request, pk):
    opportunity = get_visible(request, pk)
    context = {
        "opportunity": opportunity,
        "history": selectors.stage_history(opportunity=opportunity),
        "deals": deal_selectors.deal_list(user=request.user, opportunity=opportunity),
        "moves": [Opportunity.Stage(stage) for stage in services.manual_stages(opportunity)],
        "lose_form": LoseForm() if opportunity.is_open else None,
        "can_change": request.user.has_perm("sales.change_opportunity"),
        "can_reserve": request.user.has_perm("sales.add_deal") and opportunity.is_open,
        "custom_rows": customfields.display_rows(selectors.ENTITY, opportunity.custom),
    }
    return render(request, "sales/funnel_detail.html", context)


@permission_required("sales.add_opportunity", raise_exception=True)
def opportunity_create(request):
    initial = {}
    raw = request.GET.get("customer", "")
    if raw.isascii() and raw.isdecimal():
        customer = Customer.objects.visible_to(request.user).filter(pk=int(raw)).first()
        if customer is None:
            raise Http404
        initial = {"customer": customer.pk, "project": customer.project_id}
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
                customer=data["customer"],
                project=data["project"],
                owner=data.get("owner"),
                campaign=data.get("campaign"),
                expected_amount=data.get("expected_amount"),
                note=data.get("note", ""),
                custom=form.custom_values(),
                by=request.user,
            )
        except services.DuplicateOpportunity as duplicate:
            existing = duplicate.existing
            form.add_error(None, duplicate)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Opportunity created."))
            return redirect(opportunity)
    return render(request, "sales/funnel_form.html", {"form": form, "existing": existing})


def _board_move_response(request, opportunity: Opportunity, error: str = "") -> HttpResponse:
    """The card in its new column (out of band), the old card removed, the column counts refreshed."""
    rows = selectors.board_rows(user=request.user, who=request.POST.get("who", "mine"))
    counts = selectors.board_counts(rows)
    with_links(selectors.with_days([opportunity]))
    context = {
        "card": opportunity,
        "error": error,
        "counts": [(stage, selectors.count_label(counts.get(stage, 0))) for stage in Opportunity.ORDER],
        "stages": Opportunity.ORDER,
        "can_move": True,
        "who": request.POST.get("who", "mine"),
        "won": counts.get(Opportunity.Stage.WON, 0),
        "lost": counts.get(Opportunity.Stage.LOST, 0),
    }
    return HttpResponse(render_to_string("sales/_funnel_move.html", context, request=request))


@require_POST
@permission_required("sales.change_opportunity", raise_exception=True)
def opportunity_move(request, pk):
    opportunity = get_visible(request, pk)
    form = MoveForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            opportunity = services.opportunity_move(
                opportunity=opportunity,
                to_stage=form.cleaned_data["stage"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as failure:
            error = error_text(failure)
    else:
        error = _("Choose a stage.")
    if request.htmx:
        opportunity = get_visible(request, pk)
        return _board_move_response(request, opportunity, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved to “%(stage)s”.") % {"stage": opportunity.get_stage_display()})
    return redirect(opportunity)


@permission_required("sales.change_opportunity", raise_exception=True)
def opportunity_lose(request, pk):
    opportunity = get_visible(request, pk)
    form = LoseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_lose(
                opportunity=opportunity,
                reason=form.cleaned_data["reason"],
                competitor=form.cleaned_data["competitor"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Opportunity marked as lost."))
            return redirect(opportunity)
    return render(request, "sales/funnel_lose.html", {"opportunity": opportunity, "form": form})


def _stage_links(form: FunnelReportForm) -> dict[str, str]:
    """Per stage (won and lost too), the opportunity list now in that stage under the report's filters."""
    base = reverse("sales:opportunity-list")
    query = form.list_query()
    return {stage: f"{base}?{urlencode({**query, 'stage': stage})}" for stage in Opportunity.Stage.values}


def _report_rows(report: dict, comparison: dict | None, links: dict) -> list[dict]:
    """The table's rows: each stage with its drill-down link and, when comparing, the previous period's row and
    the changes."""
    if comparison is None:
        return [{"row": row, "previous": None, "changes": None, "link": links[row.stage]} for row in report["rows"]]
    return [
        {"row": item.current, "previous": item.previous, "changes": item.changes, "link": links[item.stage]}
        for item in comparison["stages"]
    ]


@permission_required("sales.view_opportunity", raise_exception=True)
def funnel_report(request):
    form = FunnelReportForm(request.GET or {}, user=request.user)
    report = comparison = links = None
    if form.is_valid():
        data = form.cleaned_data
        filters = form.report_filters()
        ids = tuple(value.pk if value else None for value in (filters["project"], filters["team"], filters["owner"]))

        def period_report(date_from, date_to) -> dict:
            """One period's report, cached per period and filters: the comparison reuses the period's own."""
            return reportcache.cached(
                "sales.funnel",
                ("report", date_from, date_to, *ids, filters["source"]),
                request.user,
                lambda: selectors.funnel_report(user=request.user, date_from=date_from, date_to=date_to, **filters),
            )

        report = period_report(data["date_from"], data["date_to"])
        if data["compare"]:
            comparison = selectors.compare(
                report, period_report(*selectors.previous_period(data["date_from"], data["date_to"]))
            )
        links = _stage_links(form)
    context = {"form": form, "report": report, "comparison": comparison, "links": links}
    if report is not None:
        context["stages"] = _report_rows(report, comparison, links)
    return render(request, "sales/funnel_report.html", context)
