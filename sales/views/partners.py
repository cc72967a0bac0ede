"""Channel partners: the partner portal, the staff pages on partners, registrations, commissions and rules,
and the sales settings page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.forms import add_service_errors
from crm_site.outside import outside_allowed
from crm_site.pagination import CappedPaginator
from sales.forms.partners import (
    CommissionRuleForm,
    CommissionStatusForm,
    PartnerForm,
    RegistrationFilterForm,
    RegistrationForm,
    SalesSettingsForm,
)
from sales.models import Commission, CommissionRule, Partner, PartnerRegistration, SalesSettings
from sales.selectors import partners as selectors
from sales.services import marketing as marketing_services
from sales.services import partners as services

PAGE_SIZE = 25


def _page(request, rows, size=PAGE_SIZE):
    return CappedPaginator(rows, size).get_page(request.GET.get("page"))


# --- the partner's own pages -------------------------------------------------------------------------------


def _own_partner(request) -> Partner:
    if not request.user.has_perm("sales.register_customer"):
        raise PermissionDenied
    partner = selectors.partner_of(request.user)
    if partner is None:
        raise PermissionDenied(_("Your account is not linked to one active channel partner."))
    return partner


@outside_allowed
@login_required
def partner_portal(request):
    partner = _own_partner(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(by=request.user, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if registration.status == PartnerRegistration.Status.PROTECTED:
                messages.success(
                    request,
                    _("%(name)s is registered for you, protected until %(until)s.")
                    % {
                        "name": registration.customer_name,
                        "until": timezone.localtime(registration.protected_until).strftime("%Y-%m-%d"),
                    },
                )
            else:
                messages.warning(
                    request,
                    _("Registration of %(name)s was rejected: %(reason)s.")
                    % {
                        "name": registration.customer_name,
                        "reason": services.reject_reason_label(registration.reject_reason),
                    },
                )
            return redirect("sales:partner-portal")
    registrations = selectors.registration_list(user=request.user, status=request.GET.get("status", "")[:10])
    commissions = selectors.commission_list(user=request.user)
    context = {
        "partner": partner,
        "form": form,
        "page": _page(request, registrations),
        "commissions": commissions[:50],
        "totals": selectors.commission_totals(commissions),
        "statuses": PartnerRegistration.Status.choices,
        "status": request.GET.get("status", ""),
    }
    return render(request, "sales/partner_portal.html", context)


# --- staff: partners -----------------------------------------------------------------------------------------


@permission_required("sales.view_partner", raise_exception=True)
def partner_list(request):
    search = request.GET.get("q", "").strip()[:60]
    page = _page(request, selectors.partner_list(search=search))
    template = "sales/partner_list.html#partner-rows" if request.htmx else "sales/partner_list.html"
    return render(request, template, {"page": page, "q": search})


@permission_required("sales.view_partner", raise_exception=True)
def partner_detail(request, pk):
    partner = get_object_or_404(selectors.partner_list(), pk=pk)
    context = {
        "partner": partner,
        "users": partner.users.order_by("username"),
        "registrations": selectors.registration_list(user=request.user, partner=partner)[:20],
        "commissions": selectors.commission_list(user=request.user, partner=partner)[:20],
        "rules": selectors.commission_rule_list().filter(partner=partner),
        "can_see_registrations": request.user.has_perm("sales.view_partnerregistration"),
        "can_see_commissions": request.user.has_perm("sales.view_commission"),
    }
    return render(request, "sales/partner_detail.html", context)


def _partner_form(request, partner=None):
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.partner_save(partner=partner, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Partner “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "sales/partner_form.html", {"form": form, "partner": partner})


@permission_required("sales.add_partner", raise_exception=True)
def partner_create(request):
    return _partner_form(request)


@permission_required("sales.change_partner", raise_exception=True)
def partner_edit(request, pk):
    return _partner_form(request, get_object_or_404(Partner, pk=pk))


# --- staff: registrations and commissions -------------------------------------------------------------------


@permission_required("sales.view_partnerregistration", raise_exception=True)
def registration_list(request):
    form = RegistrationFilterForm(request.GET or None)
    rows = selectors.registration_list(user=request.user, **form.filters())
    context = {"form": form, "page": _page(request, rows)}
    template = "sales/registration_list.html#registration-rows" if request.htmx else "sales/registration_list.html"
    return render(request, template, context)


@permission_required("sales.view_commission", raise_exception=True)
def commission_list(request):
    status = request.GET.get("status", "")
    status = status if status in Commission.Status.values else ""
    partner = None
    if request.GET.get("partner", "").isdecimal():
        partner = Partner.objects.filter(pk=request.GET["partner"]).first()
    rows = selectors.commission_list(user=request.user, partner=partner, status=status)
    context = {
        "page": _page(request, rows),
        "totals": selectors.commission_totals(selectors.commission_list(user=request.user, partner=partner)),
        "statuses": Commission.Status.choices,
        "status": status,
        "partner": partner,
        "moves": services.COMMISSION_MOVES,
    }
    return render(request, "sales/commission_list.html", context)


@require_POST
@permission_required("sales.change_commission", raise_exception=True)
def commission_status(request, pk):
    commission = get_object_or_404(selectors.commission_list(user=request.user), pk=pk)
    form = CommissionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
    else:
        try:
            services.commission_set_status(commission=commission, status=form.cleaned_data["status"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Commission updated."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "sales:commission-list"
    return redirect(back or "sales:commission-list")


@permission_required("sales.add_commissionrule", raise_exception=True)
def commissionrule_list(request):
    return render(request, "sales/commission_rules.html", {"rules": selectors.commission_rule_list()})


@permission_required("sales.add_commissionrule", raise_exception=True)
def commissionrule_edit(request, pk=None):
    rule = None
    if pk is not None:
        if not request.user.has_perm("sales.change_commissionrule"):
            raise PermissionDenied
        rule = get_object_or_404(CommissionRule, pk=pk)
    form = CommissionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_rule_save(rule=rule, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Commission rule saved."))
            return redirect("sales:commissionrule-list")
    return render(request, "sales/commission_rule_form.html", {"form": form, "rule": rule})


# --- settings ---------------------------------------------------------------------------------------------


@permission_required("crm_site.manage_settings", raise_exception=True)
def settings_edit(request):
    form = SalesSettingsForm(request.POST or None, instance=SalesSettings.current())
    if request.method == "POST" and form.is_valid():
        try:
            marketing_services.sales_settings_save(by=request.user, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sales rules saved."))
            return redirect("sales:settings-edit")
    return render(request, "sales/settings_edit.html", {"form": form})
