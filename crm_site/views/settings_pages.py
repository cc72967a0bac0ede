"""Settings pages for admins: custom fields, choice lists, API tokens, audit and access logs."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site import audit
from crm_site.customfields import entity_choices
from crm_site.forms import ApiTokenForm, AuditFilterForm, ChoiceListForm, ChoiceOptionForm, CustomFieldForm
from crm_site.models import AccessLog, ApiToken, AuditEntry, ChoiceList, ChoiceOption, CustomField

MANAGE = "crm_site.manage_settings"
AUDIT = "crm_site.view_audit"


@permission_required(MANAGE, raise_exception=True)
def customfield_list(request):
    kinds = entity_choices()
    fields = CustomField.objects.all()
    current = request.GET.get("entity", "")
    if current not in dict(kinds):
        current = ""
    if current:
        fields = fields.filter(entity=current)
    groups = [(key, label, [field for field in fields if field.entity == key]) for key, label in kinds]
    return render(
        request,
        "crm_site/customfield_list.html",
        {"groups": [group for group in groups if group[2] or group[0] == current], "kinds": kinds, "current": current},
    )


@permission_required(MANAGE, raise_exception=True)
def customfield_edit(request, pk=None):
    field = get_object_or_404(CustomField, pk=pk) if pk else None
    initial = {"entity": request.GET["entity"]} if request.GET.get("entity") in dict(entity_choices()) else {}
    form = CustomFieldForm(request.POST or None, instance=field, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Custom field “%(label)s” saved.") % {"label": saved.label})
        return redirect(f"{reverse('settings:customfield-list')}?entity={saved.entity}")
    return render(request, "crm_site/customfield_form.html", {"form": form, "field": field})


@permission_required(MANAGE, raise_exception=True)
def choice_list(request):
    options = ChoiceOption.objects.all()
    list_name = request.GET.get("list", "")
    if list_name not in ChoiceOption.ListName.values:
        list_name = ""
    settings_form = None
    if list_name:
        options = options.filter(list_name=list_name)
        settings_form = ChoiceListForm(instance=ChoiceList.objects.filter(name=list_name).first())
    return render(
        request,
        "crm_site/choice_list.html",
        {
            "options": options,
            "lists": ChoiceOption.ListName.choices,
            "current": list_name,
            "settings_form": settings_form,
        },
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def choice_list_settings(request, list_name):
    """Whether the list accepts values not on it (one row per list, made when first saved)."""
    if list_name not in ChoiceOption.ListName.values:
        raise Http404
    setting = ChoiceList.objects.filter(name=list_name).first() or ChoiceList(name=list_name)
    form = ChoiceListForm(request.POST, instance=setting)
    if form.is_valid():
        saved = form.save()
        if saved.allow_new:
            messages.success(request, _("“%(list)s” now accepts new values.") % {"list": saved})
        else:
            messages.success(request, _("“%(list)s” now accepts only its entries.") % {"list": saved})
    else:
        messages.error(request, _("The list's settings were not saved."))
    return redirect(f"{reverse('settings:choice-list')}?list={list_name}")


@permission_required(MANAGE, raise_exception=True)
def choice_edit(request, pk=None):
    option = get_object_or_404(ChoiceOption, pk=pk) if pk else None
    form = ChoiceOptionForm(request.POST or None, instance=option, initial={"list_name": request.GET.get("list")})
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Option “%(label)s” saved.") % {"label": saved.label})
        return redirect(f"{reverse('settings:choice-list')}?list={saved.list_name}")
    return render(request, "crm_site/choice_form.html", {"form": form, "option": option})


@permission_required(AUDIT, raise_exception=True)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["model"]:
            entries = entries.filter(model=data["model"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "crm_site/audit_list.html", {"form": form, "page": page})


@permission_required(AUDIT, raise_exception=True)
def access_list(request):
    logs = AccessLog.objects.select_related("user")
    query = request.GET.get("q", "").strip()
    if query:
        logs = logs.filter(Q(user__username__icontains=query) | Q(model__icontains=query) | Q(object_id=query))
    page = Paginator(logs, 50).get_page(request.GET.get("page"))
    return render(request, "crm_site/access_list.html", {"page": page, "q": query})


@permission_required(MANAGE, raise_exception=True)
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        token, raw = ApiToken.issue(user=form.cleaned_data["user"], name=form.cleaned_data["name"])
        audit.record(
            actor=request.user, action=AuditEntry.Action.CREATE, instance=token, changes={"user": token.user_id}
        )
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        form = ApiTokenForm()
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")
    return render(request, "crm_site/token_list.html", {"form": form, "tokens": tokens, "raw": raw})


@require_POST
@permission_required(MANAGE, raise_exception=True)
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, revoked=False)
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(
        actor=request.user, action=AuditEntry.Action.UPDATE, instance=token, changes={"revoked": [False, True]}
    )
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("settings:token-list")
