"""Outbound webhooks (admins): endpoints, their delivery log, replay, a test event, a new secret."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from outreach.forms.webhooks import EndpointForm
from outreach.models import WebhookDelivery, WebhookEndpoint
from outreach.selectors import webhooks as selectors
from outreach.services import webhooks as services

MANAGE = "outreach.manage_webhooks"
PAGE_SIZE = 30


@permission_required(MANAGE, raise_exception=True)
def webhook_list(request):
    return render(request, "outreach/webhook_list.html", {"endpoints": selectors.endpoint_list()})


def _endpoint_form(request, endpoint=None):
    initial = (
        {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "active": endpoint.active}
        if endpoint
        else None
    )
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.endpoint_save(
                by=request.user,
                endpoint=endpoint,
                name=data["name"],
                url=data["url"],
                events_wanted=data["events"],
                active=data["active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Endpoint “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "outreach/webhook_form.html", {"form": form, "endpoint": endpoint})


@permission_required(MANAGE, raise_exception=True)
def webhook_create(request):
    return _endpoint_form(request)


@permission_required(MANAGE, raise_exception=True)
def webhook_edit(request, pk):
    return _endpoint_form(request, get_object_or_404(WebhookEndpoint, pk=pk))


@permission_required(MANAGE, raise_exception=True)
def webhook_detail(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in WebhookDelivery.Status.values else ""
    page = CappedPaginator(selectors.delivery_list(endpoint=endpoint, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"endpoint": endpoint, "page": page, "status": status, "statuses": WebhookDelivery.Status.choices}
    return render(request, "outreach/webhook_detail.html", context)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def webhook_replay(request, pk, delivery_pk):
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=delivery_pk, endpoint_id=pk)
    try:
        services.delivery_replay(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent again as a new delivery."))
    return redirect(delivery.endpoint)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def webhook_ping(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_ping(endpoint=endpoint, by=request.user)
    messages.success(request, _("Test event queued: its delivery shows below."))
    return redirect(endpoint)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def webhook_rotate(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(request, _("New secret made: give it to the receiving system now."))
    return redirect(endpoint)
