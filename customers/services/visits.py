"""Writes of visit planning: plans and their outcome, the manager's assessment, daily reports, level policy."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.models import Customer, CustomerSettings, DailyReport, Interaction, LevelPolicy, VisitPlan
from customers.models.policy import DEFAULTS
from customers.services.interactions import interaction_log

POLICY_FIELDS = ("visit_every_days", "protection_days", "warn_days")
SETTINGS_FIELDS = ("hold_limit", "inquiry_alert_hours")
SCORES = range(1, 6)


def _require_planner(plan: VisitPlan, by) -> None:
    if plan.staff_id != by.pk:
        raise ValidationError(_("Only the person who planned this visit can change it."))


def _require_planned(plan: VisitPlan) -> None:
    # Re-read the status under a row lock (inside the caller's transaction): two clicks act once.
    plan.status = VisitPlan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    if plan.status != VisitPlan.Status.PLANNED:
        raise ValidationError(_("This visit is already %(status)s.") % {"status": plan.get_status_display().lower()})


@transaction.atomic
def visit_plan_create(
    *, customer: Customer, day: datetime.date, purpose: str, by, today: datetime.date | None = None
) -> VisitPlan:
    """Plan a visit of `customer` by `by` on `day`: not in the past, and not twice the same day."""
    today = today or timezone.localdate()
    if day < today:
        raise ValidationError({"day": _("A visit cannot be planned in the past.")})
    # Lock the customer row so two quick clicks cannot both pass the duplicate check (PostgreSQL).
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    duplicate = VisitPlan.objects.filter(
        customer=customer, staff=by, planned_for=day, status=VisitPlan.Status.PLANNED
    ).exists()
    if duplicate:
        raise ValidationError(
            _("A visit to %(name)s is already planned for %(day)s.") % {"name": customer.name, "day": day.isoformat()}
        )
    return VisitPlan.objects.create(customer=customer, staff=by, planned_for=day, purpose=purpose.strip()[:200])


@transaction.atomic
def visit_record(
    *,
    plan: VisitPlan,
    by,
    summary: str,
    outcome: str = "",
    next_step: str = "",
    next_due: datetime.date | None = None,
) -> Interaction:
    """Log the visit as an interaction; interaction_log marks the plan done and links it."""
    _require_planner(plan, by)
    _require_planned(plan)
    interaction = interaction_log(
        customer=plan.customer,
        by=by,
        channel=Interaction.Channel.VISIT,
        summary=summary,
        outcome=outcome,
        next_step=next_step,
        next_due=next_due,
        visit_plan=plan,
    )
    plan.refresh_from_db(fields=["status", "interaction"])
    return interaction


@transaction.atomic
def visit_cancel(*, plan: VisitPlan, by) -> VisitPlan:
    """Cancel a visit that has not happened yet."""
    _require_planner(plan, by)
    _require_planned(plan)
    plan.status = VisitPlan.Status.CANCELLED
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def visit_mark_missed(*, plan: VisitPlan, by, today: datetime.date | None = None) -> VisitPlan:
    """Mark a planned visit of today or earlier as missed."""
    _require_planner(plan, by)
    _require_planned(plan)
    if plan.planned_for > (today or timezone.localdate()):
        raise ValidationError(_("A visit in the future cannot be missed yet: cancel it instead."))
    plan.status = VisitPlan.Status.MISSED
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def visit_assess(*, plan: VisitPlan, score: int, comment: str, by) -> VisitPlan:
    """Score a done visit 1–5 with a comment, and audit the assessment."""
    plan.status = VisitPlan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    if plan.status != VisitPlan.Status.DONE:
        raise ValidationError(_("Only a visit that took place can be assessed."))
    if plan.staff_id == by.pk:
        raise ValidationError(_("You cannot assess your own visit."))
    if score not in SCORES:
        raise ValidationError({"score": _("The score must be between 1 and 5.")})
    comment = comment.strip()[:300]
    changes = {
        field: [old, new]
        for field, old, new in (("score", plan.score, score), ("assessment", plan.assessment, comment))
        if old != new
    }
    plan.score = score
    plan.assessment = comment
    plan.assessed_by = by
    plan.assessed_at = timezone.now()
    plan.save(update_fields=["score", "assessment", "assessed_by", "assessed_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=plan, changes=changes)
    return plan


def policy_errors(levels: dict[str, dict], settings: dict) -> dict[str, list[str]]:
    """Field errors of a policy change, keyed like the policy form (`A_warn_days`, `hold_limit`)."""
    errors: dict[str, list[str]] = {}
    for level in DEFAULTS:
        values = levels.get(level, {})
        for field in POLICY_FIELDS:
            value = values.get(field)
            if not isinstance(value, int) or value < 1:
                errors.setdefault(f"{level}_{field}", []).append(_("Enter a whole number of at least 1."))
        warn, protection = values.get("warn_days"), values.get("protection_days")
        if isinstance(warn, int) and isinstance(protection, int) and warn >= protection:
            errors.setdefault(f"{level}_warn_days", []).append(
                _("The warning must come before the protection period ends (fewer days).")
            )
    for field in SETTINGS_FIELDS:
        value = settings.get(field)
        if not isinstance(value, int) or value < 1:
            errors.setdefault(field, []).append(_("Enter a whole number of at least 1."))
    return errors


@transaction.atomic
def policy_save(*, levels: dict[str, dict], settings: dict, by) -> tuple[dict[str, LevelPolicy], CustomerSettings]:
    """Save the policy of every level A–D and the customer settings; every change is audited."""
    errors = policy_errors(levels, settings)
    if errors:
        raise ValidationError(errors)
    policies = LevelPolicy.for_all_levels()
    for level in DEFAULTS:
        policy = policies[level]
        created = policy.pk is None
        changes = {}
        for field in POLICY_FIELDS:
            old, new = getattr(policy, field), levels[level][field]
            if created or old != new:
                changes[field] = new if created else [old, new]
            setattr(policy, field, new)
        if changes:
            policy.save()
            action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
            audit.record(actor=by, action=action, instance=policy, changes=changes)
    current = CustomerSettings.current()
    created = current.pk is None
    changes = {}
    for field in SETTINGS_FIELDS:
        old, new = getattr(current, field), settings[field]
        if created or old != new:
            changes[field] = new if created else [old, new]
        setattr(current, field, new)
    if changes:
        current.save()
        action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
        audit.record(actor=by, action=action, instance=current, changes=changes)
    return policies, current


def dailyreport_save(
    *, staff, day: datetime.date, comment: str, by, today: datetime.date | None = None
) -> tuple[DailyReport, bool]:
    """Create or update the report of `staff` for `day` (one per day); returns it and whether it is new."""
    if by.pk != staff.pk:
        name = staff.get_full_name() or staff.get_username()
        raise ValidationError(_("Only %(name)s can file their own report.") % {"name": name})
    if day > (today or timezone.localdate()):
        raise ValidationError({"day": _("A report cannot be filed for a day that has not come yet.")})
    return DailyReport.objects.update_or_create(staff=staff, day=day, defaults={"comment": comment.strip()})
