"""Pages of web inquiries: the public form (no login), the queue, the detail page and its actions.

The detail page's actions answer htmx with the page's `inquiry-panel` fragment; without htmx they redirect
back to the page (post / redirect / get).
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm_site.forms import add_service_errors
from crm_site.models import AccessLog, AuditEntry
from customers.forms.inquiries import InquiryAssignForm, InquiryFilterForm, InquiryStatusForm, PublicInquiryForm
from customers.models import Customer, Inquiry
from customers.selectors import customer_by_identity
from customers.services import inquiries as services

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
VIEW = services.VIEW_PERMISSION


# --- public form ---------------------------------------------------------------------------------------------------


def rate_limit() -> tuple[int, int]:
    """(submissions, seconds) allowed per client address; settings INQUIRY_RATE_LIMIT / INQUIRY_RATE_WINDOW."""
    return getattr(settings, "INQUIRY_RATE_LIMIT", 5), getattr(settings, "INQUIRY_RATE_WINDOW", 10 * 60)


def client_ip(request) -> str | None:
    """The address the request came from (behind a proxy, the proxy must set REMOTE_ADDR to the client's)."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def _rate_key(ip: str | None) -> str:
    if ip is None:
        return "inquiry-rate:unknown"
    address = ipaddress.ip_address(ip)
    # One IPv6 subscriber usually holds a whole /64: count the network, not the address.
    network = ipaddress.ip_network(f"{ip}/64", strict=False) if address.version == 6 else address
    return f"inquiry-rate:{network}"


def _count_submission(ip: str | None) -> bool:
    """Count one submission from `ip`; False once the window's limit is passed. A cache outage lets it through."""
    limit, window = rate_limit()
    key = _rate_key(ip)
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        logger.warning("Inquiry rate limit unavailable; letting the submission through.", exc_info=True)
        return True
    return count <= limit


@login_not_required
@require_http_methods(["GET", "POST"])
def public_inquiry(request):
    """The public inquiry form. Spam is answered like a real inquiry (thank-you page) and stored as spam."""
    if request.method == "GET":
        source = request.GET.get("source", "")[:200]
        form = PublicInquiryForm(initial={"source_detail": source})
        return render(request, "customers/public_inquiry.html", {"form": form})
    ip = client_ip(request)
    if not _count_submission(ip):
        minutes = max(1, rate_limit()[1] // 60)
        response = render(request, "customers/public_inquiry_limited.html", {"minutes": minutes}, status=429)
        response["Retry-After"] = str(rate_limit()[1])
        return response
    form = PublicInquiryForm(request.POST)
    valid = form.is_valid()
    if form.spam_reason:
        if valid:
            services.inquiry_receive(channel=Inquiry.Channel.WEB, ip=ip, spam=True, **form.intake_fields())
        logger.info("Public inquiry from %s stored as spam or dropped: %s", ip, form.spam_reason)
        return redirect("public-inquiry-thanks")
    if valid:
        try:
            services.inquiry_receive(channel=Inquiry.Channel.WEB, ip=ip, **form.intake_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("public-inquiry-thanks")
    return render(request, "customers/public_inquiry.html", {"form": form})


@login_not_required
@require_GET
def public_inquiry_thanks(request):
    return render(request, "customers/public_inquiry_thanks.html")


# --- the queue -----------------------------------------------------------------------------------------------------


def _decorate(inquiries, now=None) -> None:
    """Durations as text for the templates: response time, or how long it has been waiting."""
    now = now or timezone.now()
    for inquiry in inquiries:
        inquiry.response_text = services.duration_text(inquiry.response_time)
        waiting = inquiry.first_contact_at is None and inquiry.status in services.WAITING
        inquiry.waiting_text = services.duration_text(now - inquiry.received_at) if waiting else ""


@permission_required(VIEW, raise_exception=True)
def inquiry_list(request):
    user = request.user
    form = InquiryFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    cutoff = services.alert_cutoff()
    queue = services.inquiry_queue(
        user=user,
        status=filters.get("status", ""),
        assigned_to=filters.get("assigned_to"),
        overdue=filters.get("overdue", False),
        cutoff=cutoff,
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    services.inquiry_reveal(user=user, inquiries=page.object_list, purpose=AccessLog.Purpose.LIST, request=request)
    _decorate(page.object_list)
    context = {"form": form, "page": page, "dispatcher": user.has_perm(services.ASSIGN_PERMISSION)}
    if request.htmx:
        return render(request, "customers/inquiry_list.html#inquiry-rows", context)
    context["stats"] = services.inquiry_stats(user=user, cutoff=cutoff)
    context["stats"]["median_text"] = services.duration_text(context["stats"]["median_response"])
    context["alert_hours"] = round((timezone.now() - cutoff).total_seconds() / 3600)
    return render(request, "customers/inquiry_list.html", context)


# --- the detail page and its actions ------------------------------------------------------------------------------


def _get(request, pk) -> Inquiry:
    try:
        return services.inquiry_get(user=request.user, pk=pk)
    except Inquiry.DoesNotExist:
        raise Http404 from None


def _known_customer(user, inquiry: Inquiry) -> dict | None:
    """The file that already has this phone, if any: shown to the viewer only if it is in their scope."""
    if inquiry.customer_id is not None:
        return None
    existing = customer_by_identity(phone=inquiry.phone)
    if existing is None:
        return None
    visible = Customer.objects.visible_to(user).filter(pk=existing.pk).exists()
    return {"customer": existing if visible else None, "owner": existing.owner if visible else None}


def _detail_context(request, inquiry: Inquiry, **extra) -> dict:
    user = request.user
    services.inquiry_reveal(
        user=user, inquiries=[inquiry], purpose=AccessLog.Purpose.VIEW, request=request, assignee_sees=True
    )
    _decorate([inquiry])
    is_open = inquiry.status not in services.FINISHED
    is_assignee = inquiry.assigned_to_id == user.pk
    known = _known_customer(user, inquiry)
    can_assign = user.has_perm(services.ASSIGN_PERMISSION) and is_open and inquiry.customer_id is None
    assign_form = extra.pop("assign_form", None)
    if can_assign and assign_form is None:
        suggested = known["owner"] if known and known["owner"] else inquiry.assigned_to
        assign_form = InquiryAssignForm(user=user, initial={"to_user": suggested.pk if suggested else None})
    linked_visible = (
        inquiry.customer_id is not None and Customer.objects.visible_to(user).filter(pk=inquiry.customer_id).exists()
    )
    return {
        "inquiry": inquiry,
        "is_open": is_open,
        "is_assignee": is_assignee,
        "known": known,
        "linked_visible": linked_visible,
        "can_assign": can_assign,
        "assign_form": assign_form,
        "can_change_status": user.has_perm(services.CHANGE_PERMISSION) or is_assignee,
        "status_form": extra.pop("status_form", None) or InquiryStatusForm(),
        "can_convert": is_assignee
        and is_open
        and inquiry.customer_id is None
        and user.has_perm("customers.add_customer"),
        "can_first_contact": is_assignee
        and is_open
        and inquiry.customer_id is None
        and inquiry.first_contact_at is None,
        "show_ip": user.has_perm(services.CHANGE_PERMISSION),
        "history": AuditEntry.objects.filter(model="customers.inquiry", object_id=str(inquiry.pk))
        .select_related("actor")
        .order_by("-at")[:50],
        **extra,
    }


@permission_required(VIEW, raise_exception=True)
def inquiry_detail(request, pk):
    inquiry = _get(request, pk)
    return render(request, "customers/inquiry_detail.html", _detail_context(request, inquiry))


def _answer(request, pk, *, notice: str = "", error: str = "", **forms) -> HttpResponse:
    """After an action: htmx gets the refreshed panel, a plain POST goes back to the page with a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        return redirect("customers:inquiry-detail", pk=pk)
    try:
        inquiry = services.inquiry_get(user=request.user, pk=pk)
    except Inquiry.DoesNotExist:  # the action moved it out of the viewer's queue
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("customers:inquiry-list")
        return response
    context = _detail_context(request, inquiry, notice=notice, error=error, **forms)
    return render(request, "customers/inquiry_detail.html#inquiry-panel", context)


def _form_problem(form) -> str:
    return " ".join(" ".join(str(message) for message in errors) for errors in form.errors.values())


@require_POST
@permission_required(services.ASSIGN_PERMISSION, raise_exception=True)
def inquiry_assign(request, pk):
    inquiry = _get(request, pk)
    form = InquiryAssignForm(request.POST, user=request.user)
    if form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            services.inquiry_assign(
                inquiry=inquiry, to_user=to_user, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = to_user.get_full_name() or to_user.username
            return _answer(request, pk, notice=_("Assigned to %(name)s.") % {"name": name})
    return _answer(request, pk, error=_form_problem(form), assign_form=form)


@require_POST
@permission_required(VIEW, raise_exception=True)
def inquiry_status(request, pk):
    inquiry = _get(request, pk)
    if not (request.user.has_perm(services.CHANGE_PERMISSION) or inquiry.assigned_to_id == request.user.pk):
        raise PermissionDenied
    form = InquiryStatusForm(request.POST)
    if form.is_valid():
        try:
            updated = services.inquiry_set_status(
                inquiry=inquiry, status=form.cleaned_data["status"], by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = _("Status is now “%(status)s”.") % {"status": updated.get_status_display()}
            return _answer(request, pk, notice=notice)
    return _answer(request, pk, error=_form_problem(form), status_form=form)


@require_POST
@permission_required(VIEW, raise_exception=True)
def inquiry_first_contact(request, pk):
    inquiry = _get(request, pk)
    try:
        updated = services.inquiry_first_contact(inquiry=inquiry, by=request.user)
    except ValidationError as error:
        return _answer(request, pk, error=" ".join(error.messages))
    notice = _("First contact recorded: response time %(time)s.") % {
        "time": services.duration_text(updated.response_time)
    }
    return _answer(request, pk, notice=notice)


@require_POST
@permission_required("customers.add_customer", raise_exception=True)
def inquiry_convert(request, pk):
    inquiry = _get(request, pk)
    try:
        result = services.inquiry_convert(inquiry=inquiry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(inquiry)
    if result.outcome == services.Conversion.CREATED:
        messages.success(
            request,
            _("Customer file “%(name)s” created. Log your first contact here to stop the response clock.")
            % {"name": result.customer.name},
        )
        return redirect(result.customer)
    if result.outcome == services.Conversion.LINKED:
        messages.info(request, _("This customer is already on file: the inquiry is now linked to their record."))
        return redirect(result.customer)
    messages.warning(
        request,
        _(
            "A colleague already has this customer on file. Your claim was recorded as a conflict for a manager "
            "to decide; meanwhile you can still log your first contact on this inquiry."
        ),
    )
    return redirect(inquiry)
