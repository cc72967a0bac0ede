"""The buyer's status page: public (no staff login), found by contract number and the last six characters of the
buyer's ID number; rate-limited per client and per contract, one answer for every wrong combination. The buyer
sees the certificate stage and expected date, open tickets, and may ask for a repair (a ticket from the page).
The status letter (PDF) is downloadable by staff."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customers.views.inquiries import client_ip
from sales.models import Deal
from service.forms.service import RepairRequestForm, StatusLookupForm
from service.models import Ticket
from service.selectors import certificates as certificate_selectors
from service.selectors import status as selectors
from service.services.letters import status_letter_pdf
from service.services.tickets import ticket_create

logger = logging.getLogger(__name__)
SESSION_KEY = "service_status_deal"
LIMIT_PER_CLIENT = (10, 15 * 60)  # attempts, seconds
LIMIT_PER_CONTRACT = (5, 60 * 60)  # failed attempts on one contract number


def _over(key: str, limit: tuple[int, int], *, count: bool = True) -> bool:
    allowed, window = limit
    try:
        if not count:
            return (cache.get(key) or 0) >= allowed
        cache.add(key, 0, timeout=window)
        try:
            value = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)
            value = 1
    except Exception:
        logger.warning("Status page rate limit unavailable", exc_info=True)
        return False
    return value > allowed


@login_not_required
@require_http_methods(["GET", "POST"])
def status_lookup(request):
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST":
        if _over(f"status-rate:{client_ip(request)}", LIMIT_PER_CLIENT):
            response = render(request, "service/status_lookup.html", {"form": form, "limited": True}, status=429)
            response["Retry-After"] = str(LIMIT_PER_CLIENT[1])
            return response
        deal = None
        if form.is_valid():
            number = form.cleaned_data["contract_no"].strip()[:40]
            contract_key = f"status-contract:{number.lower()}"
            if not _over(contract_key, LIMIT_PER_CONTRACT, count=False):
                deal = selectors.find_contract(contract_no=number, id_tail=form.cleaned_data["id_tail"])
                if deal is None:
                    _over(contract_key, LIMIT_PER_CONTRACT)
        if deal is not None:
            request.session.cycle_key()
            request.session[SESSION_KEY] = deal.pk
            return redirect("service-status-page")
        form = StatusLookupForm(request.POST)
        form.is_valid()
        return render(request, "service/status_lookup.html", {"form": form, "not_found": True}, status=200)
    return render(request, "service/status_lookup.html", {"form": form})


def _session_deal(request):
    deal_id = request.session.get(SESSION_KEY)
    if not deal_id:
        return None
    return Deal.objects.select_related("customer", "unit__building", "project").filter(pk=deal_id).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def status_page(request):
    deal = _session_deal(request)
    if deal is None:
        return redirect("service-status-lookup")
    form = RepairRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _over(f"status-repair:{deal.pk}", (5, 24 * 60 * 60)):
            messages.error(request, _("You have sent several requests today: we will call you."))
        else:
            ticket_create(
                customer=deal.customer,
                deal=deal,
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                kind=Ticket.Kind.REPAIR,
                channel=Ticket.Channel.STATUS_PAGE,
            )
            messages.success(request, _("Thank you: your repair request was received. We will contact you."))
        return redirect("service-status-page")
    status = selectors.buyer_status(deal)
    return render(request, "service/status_page.html", {"status": status, "stages": status.stages, "form": form})


@login_not_required
def status_leave(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("service-status-lookup")


@login_not_required
def status_page_letter(request):
    """The buyer downloads their own letter, in the language of the page."""
    deal = _session_deal(request)
    if deal is None:
        return redirect("service-status-lookup")
    return _pdf(deal, get_language() or "zh-hans")


def _pdf(deal, language) -> HttpResponse:
    response = HttpResponse(status_letter_pdf(deal=deal, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="status-{deal.pk}.pdf"'
    return response


@permission_required("service.view_certificatecase", raise_exception=True)
def certificate_letter(request, pk):
    """Staff download the status letter of a case, in the language asked for (default: Chinese)."""
    try:
        case = certificate_selectors.case_get(user=request.user, pk=pk)
    except Exception:
        raise Http404 from None
    return _pdf(case.deal, request.GET.get("lang", "zh-hans"))
