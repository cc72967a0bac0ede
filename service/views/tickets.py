"""Pages of tickets: the queue, opening a ticket (from a call, from the customer page), the ticket page and
its actions (assign, move, note or reply, attach), escalations."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from customers.identity import normalize_phone
from customers.models import Customer, CustomerPhone
from service.forms.tickets import AssignForm, AttachmentForm, NoteForm, TicketFilterForm, TicketForm, TransitionForm
from service.models import Escalation, Ticket
from service.selectors import certificates as certificate_selectors
from service.selectors import sla as sla_selectors
from service.selectors import tickets as selectors
from service.selectors import units as unit_selectors
from service.services import tickets as services
from service.services.letters import letter_refusal

PAGE_SIZE = 30


def get_visible(request, pk) -> Ticket:
    try:
        return selectors.ticket_get(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404 from None


def _int(value) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() and len(value) < 12 else None


@permission_required("service.view_ticket", raise_exception=True)
def ticket_list(request):
    form = TicketFilterForm(request.GET or None)
    rows = selectors.ticket_list(user=request.user, **form.filters())
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for ticket in page.object_list:
        ticket.clock = sla_selectors.time_left(ticket, now)
    context = {"form": form, "page": page, "query": request.GET.urlencode()}
    template = "service/ticket_list.html#ticket-rows" if request.htmx else "service/ticket_list.html"
    return render(request, template, context)


def _customer_by_phone(user, raw: str):
    try:
        phone = normalize_phone(raw)
    except ValidationError:
        return None
    visible = Customer.objects.visible_to(user)
    found = visible.filter(phone=phone).first()
    if found is None:
        ids = CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True)[:5]
        found = visible.filter(pk__in=list(ids)).first()
    return found


@permission_required("service.add_ticket", raise_exception=True)
def ticket_create(request):
    customer_id = _int(request.GET.get("customer") or request.POST.get("customer"))
    customer = None
    if customer_id:
        customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
        if customer is None:
            raise Http404
    form = TicketForm(request.POST or None, request.FILES or None, customer=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = customer or _customer_by_phone(request.user, data["phone"])
        if target is None:
            form.add_error("phone", _("No customer you serve has this phone number."))
        else:
            try:
                if data.get("attachment"):
                    services.attachment_check(data["attachment"])
                ticket = services.ticket_create(
                    customer=target,
                    subject=data["subject"],
                    description=data["description"],
                    kind=data["kind"],
                    channel=data["channel"],
                    priority=data["priority"],
                    category=data["category"],
                    deal=data.get("deal"),
                    promise=data.get("promise"),
                    assignee=data.get("assignee"),
                    by=request.user,
                )
                if data.get("attachment"):
                    services.ticket_attach(ticket=ticket, upload=data["attachment"], by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Ticket #%(number)d opened.") % {"number": ticket.pk})
                return redirect(ticket)
    return render(request, "service/ticket_form.html", {"form": form, "customer": customer})


def _detail_context(request, ticket, **forms) -> dict:
    now = timezone.now()
    clock = sla_selectors.clock(ticket, now=now)
    calendar = sla_selectors.calendar_current()
    spans = []
    if clock.segments and ticket.resolution_due_at:
        for start, end in clock.segments:
            spans.extend(calendar.explain(start, end or ticket.resolution_due_at))
    warranty = None
    if ticket.unit_id and ticket.category_id and ticket.category.component:
        warranty = unit_selectors.warranty(ticket.unit, ticket.category.component)
    may_change = request.user.has_perm("service.change_ticket")
    case = certificate_selectors.case_of_deal(user=request.user, deal_id=ticket.deal_id) if ticket.deal_id else None
    moves = (
        [
            (status, Ticket.Status(status).label)
            for status in services.TRANSITIONS.get(ticket.status, ())
            if services.allowed(ticket, status, now=now)
        ]
        if may_change
        else []
    )
    return {
        "ticket": ticket,
        "certificate_case": case,
        "letter_refusal": letter_refusal(case) if case is not None else "",
        "left": sla_selectors.time_left(ticket, now),
        "clock": clock,
        "spans": spans[:40],
        "warranty": warranty,
        "moves": moves,
        "history": selectors.history(ticket),
        "notes": selectors.notes(ticket),
        "attachments": list(ticket.attachments.all()),
        "assign_form": forms.get("assign_form")
        or (AssignForm(initial={"assignee": ticket.assignee_id}) if may_change else None),
        "note_form": forms.get("note_form") or (NoteForm() if may_change else None),
        "attach_form": forms.get("attach_form") or (AttachmentForm() if may_change else None),
        "error": forms.get("error"),
        "renovations": unit_selectors.renovations(ticket.unit) if ticket.unit_id else [],
    }


@permission_required("service.view_ticket", raise_exception=True)
def ticket_detail(request, pk):
    ticket = get_visible(request, pk)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket))


@require_POST
@permission_required("service.change_ticket", raise_exception=True)
def ticket_move(request, pk):
    ticket = get_visible(request, pk)
    form = TransitionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.ticket_transition(
                ticket=ticket, to_status=form.cleaned_data["to_status"], by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(
                request,
                _("Ticket #%(number)d: %(status)s.")
                % {"number": ticket.pk, "status": Ticket.Status(form.cleaned_data["to_status"]).label},
            )
            return redirect(ticket)
    else:
        error = _("Choose a status.")
    ticket = get_visible(request, pk)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket, error=error), status=400)


@require_POST
@permission_required("service.change_ticket", raise_exception=True)
def ticket_assign(request, pk):
    ticket = get_visible(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_assign(ticket=ticket, assignee=form.cleaned_data["assignee"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket assigned."))
            return redirect(ticket)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket, assign_form=form), status=400)


@require_POST
@permission_required("service.change_ticket", raise_exception=True)
def ticket_note(request, pk):
    ticket = get_visible(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_note(
                ticket=ticket, text=form.cleaned_data["text"], internal=form.cleaned_data["internal"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(ticket)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket, note_form=form), status=400)


@require_POST
@permission_required("service.change_ticket", raise_exception=True)
def ticket_attach(request, pk):
    ticket = get_visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ticket_attach(ticket=ticket, upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect(ticket)
    return render(request, "service/ticket_detail.html", _detail_context(request, ticket, attach_form=form), status=400)


@permission_required("service.manage_service", raise_exception=True)
def escalation_list(request):
    rows = (
        Escalation.objects.filter(ticket__in=Ticket.objects.visible_to(request.user))
        .select_related("ticket__customer", "ticket__assignee", "to")
        .order_by("-at")
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "service/escalation_list.html", {"page": page, "query": request.GET.urlencode()})
