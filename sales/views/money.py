"""Money pages: the outstanding installments (with inline payments), schedules, refunds and the two reports."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import reportcache
from crm_site.forms import add_service_errors
from crm_site.pagination import keyed_page
from crm_site.spreadsheets import csv_lines
from sales.forms.money import (
    CollectionFilterForm,
    InstallmentEditForm,
    InstallmentFilterForm,
    OrderFilterForm,
    PaymentForm,
    RefundForm,
    ScheduleForm,
)
from sales.models import Deal, Installment
from sales.selectors import money as selectors
from sales.services import money as services

PAGE_SIZE = 50


def deal_url(deal) -> str:
    """The deal page, or the payments list while the deal pages are not wired."""
    try:
        return deal.get_absolute_url()
    except NoReverseMatch:
        return reverse("sales:installment-list")


def owner_url(installment: Installment) -> str:
    if installment.lease_id:
        return installment.lease.get_absolute_url()
    return deal_url(installment.deal)


def back(request, installment: Installment):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(owner_url(installment))


def get_installment(request, pk) -> Installment:
    try:
        return selectors.installment_get(user=request.user, pk=pk)
    except Installment.DoesNotExist:
        raise Http404 from None


@permission_required("sales.view_installment", raise_exception=True)
def installment_list(request):
    form = InstallmentFilterForm(request.GET or None, user=request.user)
    rows = selectors.installment_list(user=request.user, **form.filters())
    page = keyed_page(
        rows.values_list("pk", flat=True), selectors.installment_rows(), PAGE_SIZE, request.GET.get("page")
    )
    selectors.with_days_overdue(page.object_list)
    context = {"form": form, "page": page, "payment_form": PaymentForm(), "today": timezone.localdate()}
    template = (
        "sales/money_installment_list.html#installment-rows" if request.htmx else "sales/money_installment_list.html"
    )
    return render(request, template, context)


@require_POST
@permission_required("sales.add_payment", raise_exception=True)
def payment_record(request, pk):
    installment = get_installment(request, pk)
    form = PaymentForm(request.POST)
    recorded = False
    if form.is_valid():
        try:
            services.payment_record(installment=installment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            recorded = True
    if request.htmx:
        row = selectors.with_days_overdue([get_installment(request, pk)])[0]
        context = {"row": row, "payment_form": PaymentForm() if recorded else form, "recorded": recorded}
        return render(request, "sales/money_installment_list.html#installment-row", context)
    if recorded:
        messages.success(request, _("Payment of %(amount)s recorded.") % {"amount": form.cleaned_data["amount"]})
    else:
        messages.error(request, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    return back(request, installment)


@require_POST
@permission_required("sales.change_installment", raise_exception=True)
def payment_refund(request, pk):
    installment = get_installment(request, pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.payment_refund(installment=installment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Refund of %(amount)s recorded.") % {"amount": form.cleaned_data["amount"]})
            return back(request, installment)
    messages.error(request, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    return back(request, installment)


@require_POST
@permission_required("sales.change_deal", raise_exception=True)
def schedule_create(request, pk):
    deal = get_object_or_404(Deal.objects.visible_to(request.user), pk=pk)
    form = ScheduleForm(request.POST, deal=deal)
    if form.is_valid():
        try:
            lines = services.schedule_create(deal=deal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Payment schedule created: %(count)d lines.") % {"count": len(lines)})
            return redirect(deal_url(deal))
    messages.error(request, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    return redirect(deal_url(deal))


@permission_required("sales.change_installment", raise_exception=True)
def installment_edit(request, pk):
    installment = get_installment(request, pk)
    form = InstallmentEditForm(request.POST or None, installment=installment)
    if request.method == "POST" and form.is_valid():
        try:
            services.installment_edit(installment=installment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Installment saved."))
            return redirect(owner_url(installment))
    return render(
        request,
        "sales/money_installment_edit.html",
        {"form": form, "installment": installment, "back_url": owner_url(installment)},
    )


def _csv_response(rows, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("sales.view_installment", raise_exception=True)
def collection_report(request):
    form = CollectionFilterForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    project = None
    if form.is_bound and form.is_valid():
        month, project = form.cleaned_data["month"], form.cleaned_data["project"]
    parts = ("collection", month, project.pk if project else None)

    def report():
        return reportcache.cached(
            "sales.money",
            parts,
            request.user,
            lambda: selectors.collection_report(user=request.user, month=month, project=project),
        )

    if request.GET.get("format") == "csv":
        return _csv_response(selectors.collection_csv_rows(report()), f"collection-{month:%Y-%m}.csv")
    tables = reportcache.cached_fragment(
        "sales.money", parts, request.user, "sales/_money_collection_tables.html", lambda: {"report": report()}
    )
    return render(
        request,
        "sales/money_collection_report.html",
        {"form": form, "tables": tables, "query": request.GET.urlencode(), "month": month},
    )


@permission_required("sales.view_deal", raise_exception=True)
def order_analysis(request):
    form = OrderFilterForm(request.GET or {})
    analysis, tables = None, ""
    titles = {
        "month": _("Month"),
        "project": _("Project"),
        "layout": _("Layout (rooms)"),
        "channel": _("Channel"),
        "rep": _("Rep"),
    }
    if form.is_valid():
        data = form.cleaned_data
        project = data["project"]
        parts = ("orders", data["date_from"], data["date_to"], project.pk if project else None)

        def analysis():
            return reportcache.cached(
                "sales.money",
                parts,
                request.user,
                lambda: selectors.order_analysis(
                    user=request.user, date_from=data["date_from"], date_to=data["date_to"], project=project
                ),
            )

        if request.GET.get("format") == "csv":
            name = f"orders-{data['date_from']}-{data['date_to']}.csv"
            return _csv_response(selectors.order_csv_rows(analysis(), titles), name)

        def context():
            shown = analysis()
            sections = [(titles[name], name, shown[name]) for name in titles if name != "month"]
            return {"analysis": shown, "sections": sections, "date_from": data["date_from"], "date_to": data["date_to"]}

        tables = reportcache.cached_fragment(
            "sales.money", parts, request.user, "sales/_money_order_tables.html", context
        )
    return render(
        request,
        "sales/money_order_analysis.html",
        {"form": form, "tables": tables, "query": request.GET.urlencode()},
    )
