"""Visit planning pages: a rep's week and route, recording and assessing visits, the team's plan vs
done, daily reports, and the level policy."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from crm_site.forms import add_service_errors
from customers.forms.visits import (
    DailyReportForm,
    PolicyForm,
    QuickPlanForm,
    VisitAssessForm,
    VisitPlanForm,
    VisitRecordForm,
)
from customers.models import CustomerSettings, DailyReport, LevelPolicy, VisitPlan
from customers.selectors import visits as selectors
from customers.services import visits as services

VIEW = "customers.view_visitplan"
ADD = "customers.add_visitplan"
CHANGE = "customers.change_visitplan"
ASSESS = "customers.assess_visit"
MANAGE = "crm_site.manage_settings"
WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# --- reading the request -------------------------------------------------------------------------------


def parse_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def parse_week(value) -> datetime.date | None:
    """The Monday of an ISO week written 2026-W05, or None."""
    match = WEEK.match(value or "")
    if not match:
        return None
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_label(monday: datetime.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def viewed_staff(request):
    """The staff member named by ?staff= (404 outside the user's reach), else the user."""
    raw = request.GET.get("staff") or request.POST.get("staff")
    if not raw or raw == str(request.user.pk):
        return request.user
    try:
        return selectors.staff_get(user=request.user, user_id=int(raw))
    except (ValueError, selectors.User.DoesNotExist):
        raise Http404 from None


def get_plan(request, pk) -> VisitPlan:
    try:
        return selectors.plan_get(user=request.user, pk=pk)
    except VisitPlan.DoesNotExist:
        raise Http404 from None


def week_url(*, monday=None, day=None, staff=None, user=None) -> str:
    params = {}
    if day:
        params["day"] = day.isoformat()
    elif monday:
        params["week"] = week_label(monday)
    if staff is not None and user is not None and staff.pk != user.pk:
        params["staff"] = staff.pk
    url = reverse("customers:visit-plan")
    return f"{url}?{urlencode(params)}" if params else url


# --- the week --------------------------------------------------------------------------------------------


def decorate(plan: VisitPlan, user, today, *, record_form=None, assess_form=None) -> VisitPlan:
    """What the viewer may do with `plan`, and the forms of its card."""
    mine = plan.staff_id == user.pk
    plan.can_change = mine and plan.status == VisitPlan.Status.PLANNED and user.has_perm(CHANGE)
    plan.can_miss = plan.can_change and plan.planned_for <= today
    plan.can_assess = not mine and plan.status == VisitPlan.Status.DONE and user.has_perm(ASSESS)
    if plan.can_change:
        plan.record_form = record_form or VisitRecordForm(auto_id=f"id_plan{plan.pk}_%s")
    if plan.can_assess:
        plan.assess_form = assess_form or VisitAssessForm(
            initial={"score": plan.score, "comment": plan.assessment}, auto_id=f"id_assess{plan.pk}_%s"
        )
    return plan


def week_context(request, *, monday, target, staff, plan_form=None, flash="") -> dict:
    user, today = request.user, timezone.localdate()
    week = selectors.week_plan(user=user, monday=monday, staff=staff)
    for entry in week:
        for plan in entry["plans"]:
            decorate(plan, user, today)
    own = staff.pk == user.pk
    can_plan = own and user.has_perm(ADD)
    if can_plan and plan_form is None:
        plan_form = VisitPlanForm(user=user, initial={"day": target})
    return {
        "week": week,
        "totals": selectors.week_totals(week),
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "week_label": week_label(monday),
        "prev_url": week_url(monday=monday - datetime.timedelta(days=7), staff=staff, user=user),
        "next_url": week_url(monday=monday + datetime.timedelta(days=7), staff=staff, user=user),
        "this_url": week_url(staff=staff, user=user),
        "is_this_week": monday == selectors.week_of(today),
        "today": today,
        "target": target,
        "staff": staff,
        "own": own,
        "plan_form": plan_form if can_plan else None,
        "due": selectors.due_for_visit(user=user, today=today) if can_plan else [],
        "due_limit": selectors.DUE_LIMIT,
        "flash": flash,
    }


def target_day(monday, day, today) -> datetime.date:
    """The day new plans default to: the chosen day, else today in this week, else the week's first day ahead."""
    if day and day >= today:
        return day
    sunday = monday + datetime.timedelta(days=6)
    if monday <= today <= sunday or sunday < today:
        return today
    return monday


@permission_required(VIEW, raise_exception=True)
def visit_plan(request):
    today = timezone.localdate()
    day = parse_day(request.GET.get("day"))
    monday = parse_week(request.GET.get("week")) or selectors.week_of(day or today)
    staff = viewed_staff(request)
    context = week_context(request, monday=monday, target=target_day(monday, day, today), staff=staff)
    context["selected"] = day
    template = "customers/visit_week.html#week-body" if request.htmx else "customers/visit_week.html"
    return render(request, template, context)


@require_POST
@permission_required(ADD, raise_exception=True)
def visit_create(request):
    if request.POST.get("quick"):
        return quick_plan(request)
    today = timezone.localdate()
    form = VisitPlanForm(request.POST, user=request.user)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            plan = services.visit_plan_create(
                customer=form.cleaned_data["customer"], day=day, purpose=form.cleaned_data["purpose"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("Visit to %(name)s planned for %(day)s.") % {"name": plan.customer.name, "day": day.isoformat()}
            if not request.htmx:
                messages.success(request, done)
                return redirect(week_url(day=day))
            monday = selectors.week_of(day)
            context = week_context(request, monday=monday, target=day, staff=request.user, flash=done)
            response = render(request, "customers/visit_week.html#week-body", context)
            return push_url(response, week_url(day=day))
    monday = parse_day(request.POST.get("week")) or selectors.week_of(today)
    monday = selectors.week_of(monday)
    day = getattr(form, "cleaned_data", {}).get("day")
    context = week_context(
        request, monday=monday, target=target_day(monday, day, today), staff=request.user, plan_form=form
    )
    template = "customers/visit_week.html#week-body" if request.htmx else "customers/visit_week.html"
    return render(request, template, context)


def quick_plan(request):
    """The one-click plan from the due list: answers the list row (and, with htmx, the refreshed week)."""
    form = QuickPlanForm(request.POST, user=request.user)
    if not form.is_valid():
        if "customer" in form.errors:
            raise Http404  # not a customer this user may see
        customer, plan, error = form.cleaned_data["customer"], None, _("Choose a valid day.")
    else:
        customer, day = form.cleaned_data["customer"], form.cleaned_data["day"]
        try:
            plan = services.visit_plan_create(customer=customer, day=day, purpose="", by=request.user)
            error = ""
        except ValidationError as exc:
            plan, error = None, " ".join(exc.messages)
    if not request.htmx:
        if plan is not None:
            messages.success(request, _("Visit to %(name)s planned.") % {"name": customer.name})
            return redirect(week_url(day=plan.planned_for))
        messages.error(request, error)
        return redirect(week_url())
    today = timezone.localdate()
    monday = parse_day(request.POST.get("week"))
    context = {
        "customer": customer,
        "quick_plan": plan,
        "quick_error": error,
        "today": today,
        "target": form.cleaned_data.get("day") or today,
        "monday": monday,
    }
    if plan is not None and monday is not None:
        monday = selectors.week_of(monday)
        week = week_context(request, monday=monday, target=plan.planned_for, staff=request.user)
        context.update({key: week[key] for key in ("week", "totals", "today", "staff", "own")}, oob=True)
    return render(request, "customers/visit_week.html#due-row", context)


def plan_response(request, plan: VisitPlan, *, flash="", error="", record_form=None, assess_form=None):
    """The plan's card for htmx; otherwise a redirect to its week with the outcome as a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif flash:
            messages.success(request, flash)
        return redirect(week_url(day=plan.planned_for, staff=plan.staff, user=request.user))
    # Re-read the plan's week: the card keeps its stop on the route, and the week's totals follow (out of band).
    week = selectors.week_plan(user=request.user, monday=selectors.week_of(plan.planned_for), staff=plan.staff)
    plan = next(row for entry in week for row in entry["plans"] if row.pk == plan.pk)
    today = timezone.localdate()
    decorate(plan, request.user, today, record_form=record_form, assess_form=assess_form)
    plan.flash, plan.error = flash, error
    context = {"plan": plan, "today": today, "totals": selectors.week_totals(week), "oob_totals": True}
    return render(request, "customers/visit_week.html#plan-card", context)


def errors_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def visit_record(request, pk):
    plan = get_plan(request, pk)
    form = VisitRecordForm(request.POST, auto_id=f"id_plan{plan.pk}_%s")
    if form.is_valid():
        try:
            services.visit_record(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return plan_response(request, plan, flash=_("Visit recorded."))
    return plan_response(request, plan, error=errors_text(form), record_form=form)


def plan_action(request, pk, action, flash):
    plan = get_plan(request, pk)
    try:
        action(plan=plan, by=request.user)
    except ValidationError as error:
        return plan_response(request, plan, error=" ".join(error.messages))
    return plan_response(request, plan, flash=flash)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def visit_cancel(request, pk):
    return plan_action(request, pk, services.visit_cancel, _("Visit cancelled."))


@require_POST
@permission_required(CHANGE, raise_exception=True)
def visit_missed(request, pk):
    return plan_action(request, pk, services.visit_mark_missed, _("Visit marked as missed."))


@require_POST
@permission_required(ASSESS, raise_exception=True)
def visit_assess(request, pk):
    plan = get_plan(request, pk)
    form = VisitAssessForm(request.POST, auto_id=f"id_assess{plan.pk}_%s")
    if form.is_valid():
        try:
            services.visit_assess(
                plan=plan, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return plan_response(request, plan, flash=_("Assessment saved."))
    return plan_response(request, plan, error=errors_text(form), assess_form=form)


# --- managers' overviews -----------------------------------------------------------------------------------


@permission_required(ASSESS, raise_exception=True)
def visit_team(request):
    today = timezone.localdate()
    monday = parse_week(request.GET.get("week")) or selectors.week_of(today)
    rows = selectors.team_plan_vs_done(user=request.user, monday=monday)
    for row in rows:
        row.week_url = week_url(monday=monday, staff=row, user=request.user)
    context = {
        "rows": rows,
        "totals": selectors.team_totals(rows),
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "week_label": week_label(monday),
        "prev_week": week_label(monday - datetime.timedelta(days=7)),
        "next_week": week_label(monday + datetime.timedelta(days=7)),
        "is_this_week": monday == selectors.week_of(today),
    }
    return render(request, "customers/visit_team.html", context)


@permission_required(VIEW, raise_exception=True)
def dailyreport_edit(request):
    today = timezone.localdate()
    day = parse_day(request.GET.get("day") or request.POST.get("day")) or today
    day = min(day, today)
    staff = viewed_staff(request)
    own = staff.pk == request.user.pk
    report = DailyReport.objects.filter(staff=staff, day=day).first()
    form = None
    if own and request.user.has_perm(ADD):
        form = DailyReportForm(request.POST or None, initial={"comment": report.comment if report else ""})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                _report, created = services.dailyreport_save(
                    staff=staff, day=day, comment=form.cleaned_data["comment"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Report filed.") if created else _("Report updated."))
                return redirect(f"{reverse('customers:dailyreport-edit')}?{urlencode({'day': day.isoformat()})}")
    params = {"staff": staff.pk} if not own else {}
    base = reverse("customers:dailyreport-edit")
    context = {
        "staff": staff,
        "own": own,
        "day": day,
        "today": today,
        "report": report,
        "form": form,
        "facts": selectors.report_facts(staff=staff, day=day),
        "plans": selectors.day_plans(staff=staff, day=day),
        "prev_url": f"{base}?{urlencode({**params, 'day': (day - datetime.timedelta(days=1)).isoformat()})}",
        "next_url": f"{base}?{urlencode({**params, 'day': (day + datetime.timedelta(days=1)).isoformat()})}"
        if day < today
        else "",
        "week_url": week_url(day=day, staff=staff, user=request.user),
    }
    return render(request, "customers/dailyreport_edit.html", context)


@permission_required(ASSESS, raise_exception=True)
def dailyreport_list(request):
    today = timezone.localdate()
    day = min(parse_day(request.GET.get("day")) or today, today)
    rows = selectors.dailyreport_overview(user=request.user, day=day)
    base = reverse("customers:dailyreport-edit")
    for row in rows:
        row.report_url = f"{base}?{urlencode({'staff': row.pk, 'day': day.isoformat()})}"
    context = {
        "rows": rows,
        "day": day,
        "today": today,
        "filed": sum(row.report_at is not None for row in rows),
        "prev_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
    }
    return render(request, "customers/dailyreport_list.html", context)


# --- settings ---------------------------------------------------------------------------------------------


@permission_required(MANAGE, raise_exception=True)
def policy_edit(request):
    policies, settings = LevelPolicy.for_all_levels(), CustomerSettings.current()
    form = PolicyForm(request.POST or None, policies=policies, settings=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(levels=form.levels(), settings=form.settings_values(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Customer rules saved."))
            return redirect("customers:policy-edit")
    unsaved = sorted(level for level, policy in policies.items() if policy.pk is None)
    return render(request, "customers/policy_edit.html", {"form": form, "unsaved": unsaved})
