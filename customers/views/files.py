"""Customer files: list (filters, saved filters, bulk actions), the 360° page and its quick actions."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm_site import customfields, masking
from crm_site.models import AccessLog, AuditEntry
from crm_site.pagination import CappedPaginator
from crm_site.urlmaker import url_maker
from customers import footprint, listfilters, sections, selectors, services
from customers.forms.files import (
    BulkForm,
    CustomerFilterForm,
    CustomerForm,
    IntentForm,
    InteractionForm,
    MemberForm,
    PhoneForm,
    QuickVisitForm,
)
from customers.models import Customer, SavedFilter

PAGE_SIZE = 25
SEARCH_COUNT_CAP = 1000
BULK_LIMIT = 500


def get_visible(request, pk) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None


def _saved_filters(user):
    return SavedFilter.objects.filter(Q(user=user) | Q(shared=True)).order_by("name")


@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, user=request.user)
    # keyed: a search resolved to an id list (a phone fragment, a name in pinyin) is counted and ordered in one
    # narrow query, then only the page's rows are loaded.
    list_filters = listfilters.active(request.GET)
    customers = selectors.customer_list(
        user=request.user, keyed=True, extra=[shown["q"] for shown in list_filters], **form.filters()
    )
    # A search rarely needs an exact count past a thousand matches; refining is the answer.
    paginator = (
        CappedPaginator(customers, PAGE_SIZE, cap=SEARCH_COUNT_CAP)
        if request.GET.get("q")
        else CappedPaginator(customers, PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    masking.reveal(
        request.user, page.object_list, selectors.SENSITIVE_FIELDS, purpose=AccessLog.Purpose.LIST, request=request
    )
    steps = selectors.next_steps(customer_ids=[customer.pk for customer in page.object_list])
    detail_url = url_maker("customers:customer-detail")
    for customer in page.object_list:
        customer.next_followup = steps.get(customer.pk)
        customer.url = detail_url(customer.pk)
    context = {
        "form": form,
        "page": page,
        "list_filters": list_filters,
        "saved_filters": _saved_filters(request.user),
        "query": request.GET.urlencode(),
        "bulk_form": BulkForm(user=request.user),
        "export_url": reverse("customers:customer-export"),
        "today": timezone.localdate(),
    }
    template = "customers/customer_list.html#customer-rows" if request.htmx else "customers/customer_list.html"
    return render(request, template, context)


@require_POST
@permission_required("customers.view_customer", raise_exception=True)
def filter_save(request):
    name = request.POST.get("name", "").strip()[:80]
    query = request.POST.get("query", "")[:2000]
    if not name:
        messages.error(request, _("Give the filter a name."))
    else:
        SavedFilter.objects.update_or_create(
            user=request.user, name=name, defaults={"query": query, "shared": request.POST.get("shared") == "on"}
        )
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": name})
    return redirect(f"{reverse('customers:customer-list')}?{query}")


@require_POST
@permission_required("customers.view_customer", raise_exception=True)
def filter_delete(request, pk):
    get_object_or_404(SavedFilter, pk=pk, user=request.user).delete()
    messages.success(request, _("Saved filter deleted."))
    return redirect("customers:customer-list")


@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def customer_bulk(request):
    form = BulkForm(request.POST, user=request.user)
    ids = [int(value) for value in request.POST.getlist("ids") if value.isascii() and value.isdecimal()][:BULK_LIMIT]
    back = f"{reverse('customers:customer-list')}?{request.POST.get('query', '')}"
    if not ids:
        messages.error(request, _("Select at least one customer."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(back)
    customers = Customer.objects.visible_to(request.user).filter(pk__in=ids)
    action = form.cleaned_data["action"]
    if action == "export":
        return redirect(f"{reverse('customers:customer-export')}?{urlencode({'ids': ','.join(map(str, ids))})}")
    if action == "tag":
        count = services.customers_tag(customers=customers, tag=form.cleaned_data["tag"], by=request.user)
        messages.success(request, _("Tagged %(count)d customers.") % {"count": count})
    elif action == "assign":
        if not request.user.has_perm("customers.manage_ownership"):
            messages.error(request, _("Only managers may reassign customers."))
            return redirect(back)
        count = services.customers_assign(
            customers=customers, to_user=form.cleaned_data["owner"], by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Assigned %(count)d customers.") % {"count": count})
    return redirect(back)


@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk):
    try:
        customer = selectors.customer_page_get(user=request.user, pk=pk)
    except Customer.DoesNotExist:
        raise Http404 from None
    masking.reveal(request.user, [customer], selectors.SENSITIVE_FIELDS, request=request)
    history = []
    if footprint.has(customer, "history"):
        history = list(
            AuditEntry.objects.filter(model="customers.customer", object_id=str(customer.pk)).select_related("actor")[
                :30
            ]
        )
    if not customer.sensitive_visible:
        masking.mask_changes(history, selectors.SENSITIVE_FIELDS)
    phones = list(customer.phones.order_by("-primary", "id"))
    for phone in phones:
        phone.shown = phone.number if customer.unmasked["phone"] else masking.mask_phone(phone.number)
    has_intents = footprint.has(customer, "intents")
    context = {
        "customer": customer,
        "custom_rows": customfields.display_rows(selectors.ENTITY, customer.custom),
        "history": history,
        "phones": phones,
        "members": customer.members.all() if footprint.has(customer, "members") else [],
        "intent": customer.intents.prefetch_related("projects").first() if has_intents else None,
        "intent_count": customer.intents.count() if has_intents else 0,
        "open_followups": _open_followups(customer) if footprint.has(customer, "followups") else [],
        "today": timezone.localdate(),
        "co_owners": customer.shares.select_related("user") if footprint.has(customer, "shares") else [],
        "conflicts": (
            customer.conflicts.select_related("claimant").order_by("-claimed_at")[:5]
            if footprint.has(customer, "conflicts")
            else []
        ),
        "timeline": selectors.timeline(customer=customer),
        "sections": sections.sections(customer, request.user),
        "can_edit": request.user.has_perm("customers.change_customer"),
        "can_log": request.user.has_perm("customers.add_interaction"),
        "can_manage": request.user.has_perm("customers.manage_ownership"),
        "interaction_form": InteractionForm(),
    }
    return render(request, "customers/customer_detail.html", context)


@permission_required("customers.view_customer", raise_exception=True)
def customer_timeline(request, pk):
    customer = get_visible(request, pk)
    raw = request.GET.get("limit", "")
    limit = min(int(raw), 500) if raw.isascii() and raw.isdecimal() else 100
    return render(
        request,
        "customers/customer_detail.html#timeline",
        {"customer": customer, "timeline": selectors.timeline(customer=customer, limit=limit)},
    )


@permission_required("customers.add_customer", raise_exception=True)
def customer_create(request):
    form = CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(by=request.user, custom=form.custom_values(), **form.service_fields())
        except services.DuplicateCustomer as duplicate:
            existing = duplicate.existing
            if Customer.objects.visible_to(request.user).filter(pk=existing.pk).exists():
                messages.info(request, _("This customer is already on file: here is their record."))
                return redirect(existing)
            conflict = services.conflict_record(
                customer=existing,
                claimant=request.user,
                evidence={
                    "name": form.cleaned_data["name"],
                    "phone": form.cleaned_data.get("phone", ""),
                    "source": form.cleaned_data.get("source", ""),
                    "notes": form.cleaned_data.get("notes", "")[:300],
                },
            )
            messages.info(
                request,
                _(
                    "A colleague registered this customer first. Your claim has been recorded as a conflict "
                    "for your manager to decide."
                ),
            )
            return redirect(conflict)
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form})


@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk):
    customer = get_visible(request, pk)
    customer.sensitive_visible = masking.may_see(request.user, customer)
    form = CustomerForm(request.POST or None, instance=customer, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                customer=customer, by=request.user, custom=form.custom_values(), **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


def _quick_action(request, pk, form, save, success, partial):
    """Validate `form` and run `save(customer, data)`. The contact form answers htmx with fragments (no
    reload on a phone); the other panels post normally and come back to the page."""
    customer = get_visible(request, pk)
    if form.is_valid():
        try:
            save(customer, form.cleaned_data)
        except ValidationError as error:
            for field, errors in (
                error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            ).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if request.htmx and partial == "interaction-form":
                return customer_panels(request, customer, success)
            messages.success(request, success)
            return redirect(customer)
    if request.htmx and partial == "interaction-form":
        return render(
            request, f"customers/customer_detail.html#{partial}", {"customer": customer, "interaction_form": form}
        )
    messages.error(request, " ".join(" ".join(map(str, errors)) for errors in form.errors.values()))
    return redirect(customer)


def customer_panels(request, customer, message) -> HttpResponse:
    """After a logged contact: a fresh form, plus the timeline, the follow-ups and the other apps' sections
    swapped out of band (a logged visit moves a lead to "visited": the Sales section shows it at once)."""
    customer.refresh_from_db()
    context = {
        "customer": customer,
        "timeline": selectors.timeline(customer=customer),
        "sections": sections.sections(customer, request.user),
        "open_followups": _open_followups(customer),
        "flash": message,
        "interaction_form": InteractionForm(),
        "today": timezone.localdate(),
        "oob": True,
    }
    fragments = [
        render_to_string(f"customers/customer_detail.html#{name}", context, request=request)
        for name in ("interaction-form", "timeline", "followups", "sections")
    ]
    return HttpResponse("".join(fragments))


def _open_followups(customer):
    return (
        customer.interactions.filter(next_done=False)
        .exclude(next_due=None)
        .select_related("staff")
        .order_by("next_due")
    )


@require_POST
@permission_required("customers.add_interaction", raise_exception=True)
def interaction_create(request, pk):
    def save(customer, data):
        services.interaction_log(customer=customer, by=request.user, **data)

    return _quick_action(request, pk, InteractionForm(request.POST), save, _("Contact logged."), "interaction-form")


@require_POST
@permission_required("customers.add_purchaseintent", raise_exception=True)
def intent_create(request, pk):
    def save(customer, data):
        projects = data.pop("projects")
        services.intent_record(customer=customer, by=request.user, projects=projects, **data)

    return _quick_action(request, pk, IntentForm(request.POST), save, _("Purchase intent recorded."), "intent-form")


@require_POST
@permission_required("customers.add_customermember", raise_exception=True)
def member_create(request, pk):
    customer = get_visible(request, pk)

    def save(customer, data):
        services.member_save(customer=customer, by=request.user, **data)

    return _quick_action(
        request, pk, MemberForm(request.POST, customer=customer), save, _("Member added."), "member-form"
    )


@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def phone_create(request, pk):
    def save(customer, data):
        try:
            services.phone_add(customer=customer, number=data["number"], label=data["label"], by=request.user)
        except services.DuplicateCustomer:
            raise ValidationError({"number": _("This number belongs to another customer file.")}) from None

    return _quick_action(request, pk, PhoneForm(request.POST), save, _("Phone number added."), "phone-form")


@require_POST
@permission_required("customers.add_visitplan", raise_exception=True)
def visit_quick(request, pk):
    """Plan a visit from the customer's page (one tap on a phone): answers htmx with a line, no reload."""
    from customers.services.visits import visit_plan_create

    customer = get_visible(request, pk)
    form = QuickVisitForm(request.POST)
    message, ok = _("Choose a day."), False
    if form.is_valid():
        try:
            plan = visit_plan_create(
                customer=customer, day=form.cleaned_data["day"], purpose=form.cleaned_data["purpose"], by=request.user
            )
        except ValidationError as error:
            message = " ".join(error.messages)
        else:
            message, ok = _("Visit planned for %(day)s.") % {"day": plan.planned_for.isoformat()}, True
    if request.htmx:
        return render(request, "customers/customer_detail.html#visit-result", {"message": message, "ok": ok})
    (messages.success if ok else messages.error)(request, message)
    return redirect(customer)


QUICK_FORMS = {
    # kind: (form factory, url name of the POST, button label, permission)
    "intent": (
        lambda customer: IntentForm(),
        "customers:intent-create",
        gettext_lazy("Save intent"),
        "customers.add_purchaseintent",
    ),
    "member": (
        lambda customer: MemberForm(customer=customer),
        "customers:member-create",
        gettext_lazy("Add member"),
        "customers.add_customermember",
    ),
    "phone": (lambda customer: PhoneForm(), "customers:phone-create", gettext_lazy("Add"), "customers.change_customer"),
}


@permission_required("customers.view_customer", raise_exception=True)
def quick_form(request, pk, kind):
    """A secondary form of the customer page, fetched when its panel is opened (keeps the page light)."""
    if kind not in QUICK_FORMS:
        raise Http404
    factory, url_name, button, permission = QUICK_FORMS[kind]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    customer = get_visible(request, pk)
    context = {"form": factory(customer), "action": reverse(url_name, args=[customer.pk]), "button": button}
    return render(request, "customers/_quick_form.html", context)
