"""Member pages: the lookup box, the member list, the member page (card, balance, ledger), enrol, adjust."""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import masking
from crm_site.forms import add_service_errors
from crm_site.pagination import CappedPaginator
from customers.models import Customer
from members import selectors, services
from members.forms import AdjustForm, LookupForm, MemberFilterForm, ReferralForm
from members.models import Member, MemberSettings

PAGE_SIZE = 25
SENSITIVE = ("phone",)


@permission_required("members.view_member", raise_exception=True)
def member_lookup(request):
    """One box for the desk: a card, member or phone number opens the member page in one step."""
    form = LookupForm(request.GET or None)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        member = selectors.member_lookup(user=request.user, query=query) if query else None
        if member is not None:
            return redirect(member.get_absolute_url())
    return render(request, "members/member_lookup.html", {"form": form, "query": query})


@permission_required("members.view_member", raise_exception=True)
def member_list(request):
    form = MemberFilterForm(request.GET or None)
    members = selectors.member_list(user=request.user, **form.filters())
    page = CappedPaginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    template = "members/member_list.html#member-rows" if request.htmx else "members/member_list.html"
    return render(request, template, context)


def card_svg(card_no: str) -> str:
    """The card number as an inline QR code (SVG): scanned at the desk into the lookup box."""
    return mark_safe(segno.make(card_no, error="m").svg_inline(scale=4, title=card_no))  # noqa: S308 (segno's own SVG)


def _member(request, pk) -> Member:
    member = selectors.member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404
    return member


@permission_required("members.view_member", raise_exception=True)
def member_detail(request, pk):
    member = _member(request, pk)
    customer = member.customer
    masking.reveal(request.user, [customer], SENSITIVE, request=request)
    context = {
        "member": member,
        "customer": customer,
        "page": selectors.member_page(member=member, user=request.user),
        "card_svg": card_svg(member.card_number),
        "household_card": MemberSettings.current().household_card,
        "can_change": request.user.has_perm("members.change_member"),
        "adjust_form": AdjustForm(),
        "can_adjust": request.user.has_perm("members.adjust_points"),
        "can_refer": request.user.has_perm("members.add_referral"),
        "can_redeem": request.user.has_perm("members.add_redemption"),
    }
    return render(request, "members/member_detail.html", context)


@login_required
@require_POST
def member_enrol(request, customer_pk):
    if not request.user.has_perm("members.add_member"):
        raise PermissionDenied
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    try:
        member = services.member_enrol(customer=customer, by=request.user, channel=Member.Channel.DESK)
    except services.AlreadyMember as already:
        member = already.member
        messages.info(request, _("%(name)s is already a member.") % {"name": customer.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(customer.get_absolute_url())
    else:
        messages.success(
            request, _("%(name)s joined the club: card %(card)s.") % {"name": customer.name, "card": member.card_no}
        )
    return redirect(member.get_absolute_url())


@permission_required("members.adjust_points", raise_exception=True)
@require_POST
def points_adjust(request, pk):
    member = _member(request, pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            services.points_adjust(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Points adjusted."))
            return redirect(member.get_absolute_url())
    for error in [*form.non_field_errors(), *[e for errors in form.errors.values() for e in errors]]:
        messages.error(request, error)
    return redirect(member.get_absolute_url())


@permission_required("members.add_referral", raise_exception=True)
def referral_create(request, pk):
    """A member brings someone new: registered under the identity rules; a refused referral says why."""
    member = _member(request, pk)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(referrer=member.customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral of %(name)s registered.") % {"name": referral.referred.name})
            return redirect(member.get_absolute_url())
    return render(request, "members/referral_form.html", {"member": member, "form": form})


@permission_required("members.view_member", raise_exception=True)
def greetings_list(request):
    """Whom to greet today and in the coming week (member staff: everyone; reps: their own customers)."""
    from django.utils import timezone

    from members.selectors.care import greetings_due

    today = timezone.localdate()
    user = None if request.user.has_perm("members.view_member_dashboard") else request.user
    days = []
    for offset in range(7):
        day = today + datetime.timedelta(days=offset)
        days.append((day, greetings_due(day=day, user=user)))
    return render(request, "members/greetings.html", {"days": days})


@permission_required("members.change_member", raise_exception=True)
@require_POST
def member_household(request, pk):
    """Share a household card (the holder's card, member or phone number in the box), or leave it."""
    member = _member(request, pk)
    try:
        if request.POST.get("leave"):
            services.member_leave_household(member=member, by=request.user)
            messages.success(request, _("The member has their own card again."))
        else:
            holder = selectors.member_lookup(user=request.user, query=request.POST.get("q", ""))
            if holder is None:
                raise ValidationError(_("No member you may see has that card, member or phone number."))
            services.member_join_household(member=member, holder=holder, by=request.user)
            messages.success(request, _("The member now shares the household card."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(member.get_absolute_url())
