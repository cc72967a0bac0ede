"""Sales targets: the month's targets with attainment, the grid where managers set them, and the report."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from crm_site import charts
from sales.forms.promises import TargetFormSet
from sales.models import SalesTarget
from sales.selectors import quotas as selectors
from sales.services import quotas as services

Level = SalesTarget.Level


def _month(request) -> datetime.date:
    today = timezone.localdate()
    return selectors.parse_month(request.GET.get("month") or request.POST.get("month")) or today.replace(day=1)


def _months(month: datetime.date) -> dict:
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {"month": month, "prev_month": previous, "next_month": following}


@permission_required("sales.view_salestarget", raise_exception=True)
def target_list(request):
    month = _month(request)
    manager = request.user.has_perm("sales.add_salestarget")
    sections = []
    for level, label in Level.choices:
        subjects = selectors.subjects_for(user=request.user, level=level, own=not manager)
        rows = selectors.attainment(month=month, level=level, subjects=subjects)
        if level != Level.REP:
            rows = [row for row in rows if row.target or manager]
        sections.append({"level": level, "label": label, "rows": rows})
    context = {**_months(month), "sections": sections, "can_edit": manager}
    return render(request, "sales/target_list.html", context)


@permission_required("sales.add_salestarget", raise_exception=True)
def target_edit(request):
    month = _month(request)
    level = request.GET.get("level") or request.POST.get("level") or Level.REP
    if level not in Level.values:
        level = Level.REP
    subjects = {subject.pk: subject for subject in selectors.subjects_for(user=request.user, level=level, own=False)}
    existing = {
        (target.staff_id or target.team_id or target.project_id): target
        for target in SalesTarget.objects.filter(month=month, level=level)
    }
    initial = []
    for pk in subjects:
        target = existing.get(pk)
        numbers = ("amount", "units", "stretch_amount", "stretch_units")
        initial.append({"subject": pk, **{name: getattr(target, name) if target else 0 for name in numbers}})
    formset = TargetFormSet(request.POST or None, initial=initial, form_kwargs={"subjects": subjects}, prefix="targets")
    if request.method == "POST" and formset.is_valid():
        rows = [dict(form.cleaned_data) for form in formset.forms if form.cleaned_data]
        try:
            with transaction.atomic():
                changed = services.targets_save_month(month=month, level=level, rows=rows, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            formset._non_form_errors = formset.error_class(getattr(error, "messages", [str(error)]))
        else:
            messages.success(request, _("%(count)d targets saved.") % {"count": changed})
            query = urlencode({"month": f"{month:%Y-%m}", "level": level})
            return redirect(f"{reverse('sales:target-list')}?{query}")
    for form in formset.forms:
        pk = form["subject"].value()
        form.subject_obj = subjects.get(int(pk)) if str(pk).isdecimal() else None
    context = {
        **_months(month),
        "formset": formset,
        "level": level,
        "levels": Level.choices,
        "level_label": Level(level).label,
    }
    return render(request, "sales/target_edit.html", context)


@permission_required("sales.view_salestarget", raise_exception=True)
def target_report(request):
    """The month's attainment (month to date), or with ?period=year the year's (year to date) and its chart."""
    month = _month(request)
    period = "year" if request.GET.get("period") == "year" else "month"
    report = selectors.report(user=request.user, month=month, period=period, today=timezone.localdate())
    export = request.GET.get("export")
    if export:
        if report["chart"] is None or export != report["chart"].key:
            raise Http404
        return charts.download(report["chart"], request.GET.get("format", "csv"), f"targets-{month:%Y}")
    context = {**_months(month), **report}
    if period == "year":
        context.update(
            prev_month=month.replace(year=month.year - 1),
            next_month=month.replace(year=month.year + 1),
            extra_query="&period=year",
            query=urlencode({"month": f"{month:%Y-%m}", "period": "year"}),
        )
    return render(request, "sales/target_report.html", context)
