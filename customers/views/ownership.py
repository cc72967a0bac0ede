"""Ownership pages: conflicts (撞单), the public pool (公海), hand-over, key accounts, merge."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import masking
from crm_site.pagination import CappedPaginator
from customers import selectors, services
from customers.forms.ownership import ConflictResolveForm, HandoverForm, KeyAccountForm, MergeForm
from customers.models import Customer, CustomerConflict, Handover
from customers.selectors import ownership as conflict_selectors
from customers.views.files import get_visible

MANAGE = "customers.manage_ownership"


@permission_required("customers.view_customerconflict", raise_exception=True)
def conflict_list(request):
    status = request.GET.get("status", CustomerConflict.Status.OPEN)
    conflicts = conflict_selectors.conflict_list(user=request.user)
    if status in CustomerConflict.Status.values:
        conflicts = conflicts.filter(status=status)
    page = CappedPaginator(conflicts.order_by("-claimed_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/conflict_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CustomerConflict.Status.choices,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@permission_required("customers.view_customerconflict", raise_exception=True)
def conflict_detail(request, pk):
    conflict = get_object_or_404(conflict_selectors.conflict_list(user=request.user), pk=pk)
    can_decide = request.user.has_perm(MANAGE) and conflict.status == CustomerConflict.Status.OPEN
    form = ConflictResolveForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            messages.error(request, _("Only a manager can decide an open conflict."))
            return redirect(conflict)
        if form.is_valid():
            try:
                services.conflict_resolve(conflict=conflict, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Conflict decided."))
                return redirect("customers:conflict-list")
    can_open = Customer.objects.visible_to(request.user).filter(pk=conflict.customer_id).exists()
    rows = conflict_selectors.conflict_comparison(conflict=conflict, user=request.user, with_file=can_open)
    context = {"conflict": conflict, "form": form, "rows": rows, "can_open": can_open}
    return render(request, "customers/conflict_detail.html", context)


@permission_required("customers.view_customer", raise_exception=True)
def pool_list(request):
    """Files whose protection lapsed: a rep sees their team's pool, a manager their teams'."""
    pool = selectors.pool_list(user=request.user)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        pool = pool.filter(selectors.search_q(query))
    page = CappedPaginator(pool, 25).get_page(request.GET.get("page"))
    for customer in page.object_list:  # nobody owns these yet: masked for everyone but view-sensitive roles
        customer.shown_phone = customer.phone if masking.may_see(request.user) else masking.mask_phone(customer.phone)
    return render(request, "customers/pool_list.html", {"page": page, "q": query})


@require_POST
@permission_required("customers.change_customer", raise_exception=True)
def pool_claim(request, pk):
    try:
        customer = services.pool_claim(customer_id=pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("customers:pool-list")
    messages.success(request, _("“%(name)s” is yours now.") % {"name": customer.name})
    return redirect(customer)


@permission_required(MANAGE, raise_exception=True)
def handover(request):
    form = HandoverForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.customers_hand_over(
                from_user=data["from_user"], to_user=data["to_user"], by=request.user, reason=data["reason"],
                customer_ids=data["only_ids"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("%(count)d customers and %(followups)d open follow-ups moved to %(to)s.")
                % {"count": done.customer_count, "followups": done.followup_count, "to": done.to_user},
            )
            if done.open_records:
                records = ", ".join(f"{count} {kind}" for kind, count in done.open_records.items())
                messages.info(request, _("Their open records moved with them: %(records)s.") % {"records": records})
            return redirect("customers:handover")
    recent = Handover.objects.select_related("from_user", "to_user", "by")[:20]
    return render(request, "customers/handover.html", {"form": form, "recent": recent})


@permission_required(MANAGE, raise_exception=True)
def key_account(request, pk):
    customer = get_visible(request, pk)
    form = KeyAccountForm(request.POST or None, user=request.user, initial={"rep": customer.owner_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.key_account_assign(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("“%(name)s” is now a key account.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/owner_form.html", {"form": form, "customer": customer, "title": _("Key account")})


@permission_required(MANAGE, raise_exception=True)
def customer_merge(request, pk):
    customer = get_visible(request, pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = selectors.customer_by_identity(phone=form.cleaned_data["other_phone"])
        if other is None or not Customer.objects.visible_to(request.user).filter(pk=other.pk).exists():
            form.add_error("other_phone", _("None of the customers you can see has this phone."))
        else:
            try:
                services.customer_merge(keep=customer, merge=other, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Files merged; all history is on this file now."))
                return redirect(customer)
    return render(
        request, "customers/owner_form.html", {"form": form, "customer": customer, "title": _("Merge a duplicate file")}
    )
