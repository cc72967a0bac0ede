"""Pages of the promises register: the list, recording a promise (also as an htmx quick action), closing
it, and the broken-promises report."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import keyed_page
from customers.models import Customer
from sales.forms.promises import PeriodForm, PromiseCloseForm, PromiseFilterForm, PromiseForm
from sales.models import Deal, Promise
from sales.selectors import promises as selectors
from sales.services import promises as services

PAGE_SIZE = 30


def url_of(obj) -> str:
    """The object's page, or "" while the part of the app that serves it is not installed."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def get_visible(request, pk) -> Promise:
    try:
        return selectors.promise_get(user=request.user, pk=pk)
    except Promise.DoesNotExist:
        raise Http404 from None


def _int(value) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() else None


@permission_required("sales.view_promise", raise_exception=True)
def promise_list(request):
    form = PromiseFilterForm(request.GET or None, user=request.user)
    promises = selectors.promise_list(user=request.user, **form.filters())
    # The ordered keys first, then the page's rows: joining every promise of a team to its deal (a scan of all deals)
    # to show thirty took 110 ms on the bench data.
    page = keyed_page(
        promises.values_list("pk", flat=True), selectors.promise_rows(), PAGE_SIZE, request.GET.get("page")
    )
    today = timezone.localdate()
    for promise in page.object_list:
        promise.overdue = selectors.is_overdue(promise, today)
    context = {"form": form, "page": page, "today": today, "query": request.GET.urlencode()}
    template = "sales/promise_list.html#promise-rows" if request.htmx else "sales/promise_list.html"
    return render(request, template, context)


@permission_required("sales.add_promise", raise_exception=True)
def promise_create(request):
    source = request.POST if request.method == "POST" else request.GET
    customer_id = _int(source.get("customer") or request.GET.get("customer"))
    customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        raise Http404(_("Open the promise form from a customer you may see."))
    initial = {}
    deal_id = _int(request.GET.get("deal"))
    if deal_id:
        deal = Deal.objects.visible_to(request.user).filter(pk=deal_id, customer=customer).first()
        if deal is None:
            raise Http404
        initial = {"deal": deal, "project": deal.project}
    form = PromiseForm(request.POST or None, customer=customer, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise = services.promise_create(
                customer=customer,
                project=data["project"],
                topic=data["topic"],
                content=data["content"],
                due_on=data["due_on"],
                evidence=data["evidence"],
                deal=data["deal"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                return render(request, "sales/promise_form.html#promise-done", {"promise": promise})
            messages.success(request, _("Promise recorded."))
            return redirect(promise)
    context = {"form": form, "customer": customer, "customer_id": customer.pk}
    template = "sales/promise_form.html#promise-form" if request.htmx else "sales/promise_form.html"
    return render(request, template, context)


def _detail_context(request, promise, form=None) -> dict:
    can_close = promise.status == Promise.Status.OPEN and services.may_close(promise=promise, user=request.user)
    return {
        "promise": promise,
        "overdue": selectors.is_overdue(promise),
        "can_close": can_close,
        "close_form": form if form is not None else (PromiseCloseForm() if can_close else None),
        "deal_url": url_of(promise.deal) if promise.deal_id else "",
        "history": promise.history.select_related("history_user").order_by("-history_date")[:20],
    }


@permission_required("sales.view_promise", raise_exception=True)
def promise_detail(request, pk):
    promise = get_visible(request, pk)
    return render(request, "sales/promise_detail.html", _detail_context(request, promise))


@require_POST
@permission_required("sales.change_promise", raise_exception=True)
def promise_close(request, pk):
    promise = get_visible(request, pk)
    form = PromiseCloseForm(request.POST)
    if form.is_valid():
        try:
            promise = services.promise_close(
                promise=promise, status=form.cleaned_data["status"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Promise closed: %(status)s.") % {"status": promise.get_status_display()})
                return redirect(promise)
            form = None
    promise = get_visible(request, pk)
    context = _detail_context(request, promise, form)
    if request.htmx:
        return render(request, "sales/promise_detail.html#promise-status", context)
    return render(request, "sales/promise_detail.html", context)


@permission_required("sales.view_promise", raise_exception=True)
def promise_report(request):
    today = timezone.localdate()
    default = {"since": today.replace(day=1) - datetime.timedelta(days=90), "until": today}
    form = PeriodForm(request.GET if request.GET.get("since") else None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    context = {
        "form": form,
        "since": period["since"],
        "until": period["until"],
        "report": selectors.broken_report(user=request.user, since=period["since"], until=period["until"]),
        "list_url": reverse("sales:promise-list"),
    }
    return render(request, "sales/promise_report.html", context)
