"""Sends to an audience: list, build (template, audience, campaign), review (count after consent, preview), send now or
schedule, and the report with its messages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from outreach import audiences
from outreach.forms.sends import ScheduleForm, SendFilterForm, SendForm, audience_forms
from outreach.models import Message, Send
from outreach.selectors import sends as selectors
from outreach.services import sends as services
from outreach.views.preview import rendered_both

PAGE_SIZE = 25
MESSAGES_PAGE = 50


@permission_required("outreach.view_send", raise_exception=True)
def send_list(request):
    form = SendFilterForm(request.GET or None)
    page = CappedPaginator(selectors.send_list(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "outreach/send_list.html#send-rows" if request.htmx else "outreach/send_list.html"
    return render(request, template, {"form": form, "page": page})


def _send(pk) -> Send:
    send = Send.objects.select_related("template", "campaign", "created_by").filter(pk=pk).first()
    if send is None or hasattr(send, "announcement"):
        raise Http404
    return send


def _build(request, send: Send | None = None):
    """The send form and its audience's fields; a valid POST saves a draft and goes to its review."""
    user = request.user
    if request.method == "POST":
        form = SendForm(request.POST, user=user)
        selected = request.POST.get("audience", "")
        shown = audience_forms(user, request.POST, selected)
        chosen = next((audience_form for audience_form in shown if audience_form.selected), None)
        if form.is_valid() and chosen is not None and chosen.is_valid():
            try:
                send = services.send_save(
                    by=user,
                    send=send,
                    name=form.cleaned_data["name"],
                    template=form.cleaned_data["template"],
                    language=form.cleaned_data["language"],
                    campaign=form.cleaned_data["campaign"],
                    audience=selected,
                    audience_params=chosen.params(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(send)
    else:
        form = SendForm.for_send(send, user=user) if send else SendForm(user=user)
        selected = send.audience if send else (form.audiences[0].key if form.audiences else "")
        shown = audience_forms(user, None, selected, send.audience_params if send else None)
    context = {"form": form, "audience_forms": shown, "selected": selected, "send": send}
    return render(request, "outreach/send_form.html", context)


@permission_required("outreach.add_send", raise_exception=True)
def send_create(request):
    return _build(request)


@permission_required("outreach.change_send", raise_exception=True)
def send_edit(request, pk):
    send = _send(pk)
    if send.status != Send.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(send)
    return _build(request, send)


@require_GET
@permission_required("outreach.add_send", raise_exception=True)
def send_audience_fields(request):
    """The fields of the audience just chosen on the send form (htmx)."""
    selected = request.GET.get("audience", "")
    if selected not in audiences.AUDIENCES:
        raise Http404
    return render(
        request,
        "outreach/send_form.html#audience-fields",
        {"audience_forms": audience_forms(request.user, None, selected), "selected": selected},
    )


@permission_required("outreach.view_send", raise_exception=True)
def send_detail(request, pk):
    send = _send(pk)
    context = {"send": send, "schedule_form": ScheduleForm()}
    if send.status in (Send.Status.DRAFT, Send.Status.SCHEDULED):
        context.update(_review(request, send))
    else:
        status = request.GET.get("status", "")
        status = status if status in Message.Status.values else ""
        rows = selectors.send_messages(user=request.user, send=send, status=status)
        context.update(
            {
                "report": services.send_report(send),
                "page": CappedPaginator(rows, MESSAGES_PAGE).get_page(request.GET.get("page")),
                "status": status,
                "statuses": Message.Status.choices,
            }
        )
    if request.htmx and request.GET.get("page"):
        return render(request, "outreach/send_detail.html#message-rows", context)
    return render(request, "outreach/send_detail.html", context)


def _review(request, send: Send) -> dict:
    """Before sending: who it reaches (after consent and address) and the message for its first recipient."""
    try:
        customers, _label = audiences.resolve(send.audience, send.created_by, send.audience_params)
    except ValidationError as error:
        return {"audience_error": " ".join(error.messages)}
    count = services.audience_count(customers, kind=send.kind, channel=send.channel)
    sample = services.send_preview_customers(send)
    customer = sample[0] if sample else None
    return {"count": count, "sample": customer, "versions": rendered_both(send.content(), customer)}


def _act(request, pk, action, success: str):
    send = _send(pk)
    try:
        action(send)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(send)


@require_POST
@permission_required("outreach.add_send", raise_exception=True)
def send_start(request, pk):
    return _act(
        request,
        pk,
        lambda send: services.send_start(send=send, by=request.user),
        _("Sending has started: the report fills in as messages go out."),
    )


@require_POST
@permission_required("outreach.add_send", raise_exception=True)
def send_schedule(request, pk):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(_send(pk))
    return _act(
        request,
        pk,
        lambda send: services.send_schedule(send=send, at=form.cleaned_data["scheduled_at"], by=request.user),
        _("Scheduled."),
    )


@require_POST
@permission_required("outreach.change_send", raise_exception=True)
def send_cancel(request, pk):
    return _act(request, pk, lambda send: services.send_cancel(send=send, by=request.user), _("Cancelled."))


@require_POST
@permission_required("outreach.change_send", raise_exception=True)
def send_delete(request, pk):
    send = _send(pk)
    try:
        services.send_delete(send=send, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(send)
    messages.success(request, _("Draft deleted."))
    return redirect("outreach:send-list")
