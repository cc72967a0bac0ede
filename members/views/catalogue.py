"""The club's configuration pages for member staff: tiers, the benefits catalogue, earn rules and settings."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm_site.forms import add_service_errors
from members import selectors, services
from members.forms import BenefitForm, MemberSettingsForm, TierForm
from members.models import Benefit, MemberSettings, Tier


@permission_required("members.view_tier", raise_exception=True)
def tier_list(request):
    return render(request, "members/tier_list.html", {"tiers": Tier.objects.all()})


def _edit(request, *, form, save, done, template, context):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(context["back"])
    return render(request, template, {"form": form, **context})


@permission_required("members.change_tier", raise_exception=True)
def tier_edit(request, pk=None):
    tier = get_object_or_404(Tier, pk=pk) if pk else None
    if tier is None and not request.user.has_perm("members.add_tier"):
        return redirect("members:tier-list")
    form = TierForm(request.POST or None, instance=tier)
    return _edit(
        request,
        form=form,
        save=lambda values: services.tier_save(tier=tier, by=request.user, **values),
        done=_("Tier saved."),
        template="members/catalogue_form.html",
        context={"object": tier, "back": "members:tier-list", "title": _("Tier") if tier else _("New tier")},
    )


@permission_required("members.view_benefit", raise_exception=True)
def benefit_list(request):
    return render(request, "members/benefit_list.html", {"benefits": selectors.benefit_catalogue()})


@permission_required("members.change_benefit", raise_exception=True)
def benefit_edit(request, pk=None):
    benefit = get_object_or_404(Benefit, pk=pk) if pk else None
    if benefit is None and not request.user.has_perm("members.add_benefit"):
        return redirect("members:benefit-list")
    form = BenefitForm(request.POST or None, instance=benefit)
    return _edit(
        request,
        form=form,
        save=lambda values: services.benefit_save(benefit=benefit, by=request.user, **values),
        done=_("Benefit saved."),
        template="members/catalogue_form.html",
        context={
            "object": benefit,
            "back": "members:benefit-list",
            "title": _("Benefit") if benefit else _("New benefit"),
        },
    )


@permission_required("members.change_membersettings", raise_exception=True)
def settings_edit(request):
    form = MemberSettingsForm(request.POST or None, instance=MemberSettings.current())
    return _edit(
        request,
        form=form,
        save=lambda values: services.member_settings_save(by=request.user, **values),
        done=_("Club rules saved."),
        template="members/settings_edit.html",
        context={"back": "members:settings-edit"},
    )
