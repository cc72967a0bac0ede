"""The daily sales report: a rep's day counted from the records, with their comment; a team's day at a glance."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from customers.models import DailyReport
from customers.selectors import visits as selectors_visits
from sales.forms.promises import DailyCommentForm
from sales.selectors import dailyreport as selectors
from sales.services import dailyreport as services

User = get_user_model()
VIEW = "sales.view_opportunity"


def _day(request) -> datetime.date:
    today = timezone.localdate()
    raw = request.GET.get("day") or request.POST.get("day")
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return min(day, today)


def _staff(request):
    raw = request.GET.get("staff", "")
    if not raw:
        return request.user
    if not (raw.isascii() and raw.isdecimal()):
        raise Http404
    try:
        return selectors_visits.staff_get(user=request.user, user_id=int(raw))
    except User.DoesNotExist:
        raise Http404 from None


def _url(name: str, **params) -> str:
    params = {key: value for key, value in params.items() if value}
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


@permission_required(VIEW, raise_exception=True)
def daily_report(request):
    today, day, staff = timezone.localdate(), _day(request), _staff(request)
    own = staff.pk == request.user.pk
    report = DailyReport.objects.filter(staff=staff, day=day).first()
    form = (
        DailyCommentForm(request.POST or None, initial={"comment": report.comment if report else ""}) if own else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report, created = services.dailyreport_comment(
                    staff=staff, day=day, comment=form.cleaned_data["comment"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.htmx:
                    form = DailyCommentForm(initial={"comment": report.comment})
                    return render(
                        request,
                        "sales/dailyreport_detail.html#comment",
                        {"form": form, "report": report, "own": own, "day": day, "saved": True},
                    )
                messages.success(request, _("Comment saved.") if created else _("Comment updated."))
                return redirect(_url("sales:daily-report", day=day.isoformat()))
        if request.htmx:
            return render(
                request,
                "sales/dailyreport_detail.html#comment",
                {"form": form, "report": report, "own": own, "day": day},
            )
    staff_param = "" if own else staff.pk
    context = {
        "staff": staff,
        "own": own,
        "day": day,
        "today": today,
        "report": report,
        "form": form,
        "facts": selectors.day_facts(staff=staff, day=day),
        "contacts": selectors_visits.report_facts(staff=staff, day=day),
        "deals": selectors.day_deals(staff=staff, day=day),
        "promises": selectors.day_promises(staff=staff, day=day),
        "prev_url": _url("sales:daily-report", day=(day - datetime.timedelta(days=1)).isoformat(), staff=staff_param),
        "next_url": _url("sales:daily-report", day=(day + datetime.timedelta(days=1)).isoformat(), staff=staff_param)
        if day < today
        else "",
        "team_url": _url("sales:daily-report-team", day=day.isoformat()),
    }
    return render(request, "sales/dailyreport_detail.html", context)


@permission_required(VIEW, raise_exception=True)
def daily_report_team(request):
    today, day = timezone.localdate(), _day(request)
    rows = selectors.team_overview(user=request.user, day=day)
    for row in rows:
        row.report_url = _url(
            "sales:daily-report", day=day.isoformat(), staff="" if row.pk == request.user.pk else row.pk
        )
    context = {
        "rows": rows,
        "totals": selectors.overview_totals(rows),
        "day": day,
        "today": today,
        "commented": sum(row.commented for row in rows),
        "prev_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
    }
    template = "sales/dailyreport_team.html#team-rows" if request.htmx else "sales/dailyreport_team.html"
    return render(request, template, context)
