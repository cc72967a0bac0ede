"""Writes of certificate cases (产权证办理): open a case per contract, move it along the stage template,
the building-level first registration that moves every unit of the building, and bulk moves of a building.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from service.models import CaseStage, CertificateCase, CertificateStage


def stages_for(case: CertificateCase) -> list[CertificateStage]:
    """The template's active stages that apply to this case (mortgage stages only for mortgage buyers)."""
    return [
        stage
        for stage in CertificateStage.objects.filter(active=True).order_by("order", "id")
        if case.mortgage or not stage.mortgage_only
    ]


def case_open(*, deal, deadline=None, responsible=None, on=None) -> CertificateCase:
    """The certificate case of a contracted deal (opening it again returns the same case)."""
    from sales.models import Deal

    existing = CertificateCase.objects.filter(deal=deal).first()
    if existing is not None:
        return existing
    on = on or deal.signed_on or timezone.localdate()
    case = CertificateCase(
        deal=deal,
        customer_id=deal.customer_id,
        project_id=deal.project_id,
        building_id=deal.unit.building_id,
        unit_id=deal.unit_id,
        mortgage=deal.payment_method == Deal.PaymentMethod.MORTGAGE,
        stage_since=on,
        deadline=deadline,
        responsible=responsible,
    )
    first = next(iter(stages_for(case)), None)
    case.stage = first
    case.stage_due = on + datetime.timedelta(days=first.expected_days) if first is not None else None
    with transaction.atomic():
        case.save()
        if first is not None:
            CaseStage.objects.create(case=case, stage=first, started_on=on, responsible=responsible)
    return case


def _next_stage(case: CertificateCase, after: CertificateStage, done_ids: set[int]) -> CertificateStage | None:
    for stage in stages_for(case):
        if stage.order > after.order and stage.pk not in done_ids:
            return stage
    return None


def notify_buyer(case_id: int) -> None:
    """The stage news with the status letter attached, to a buyer who agreed to letters by e-mail (once a stage)."""
    from service.services.letters import letter_refusal, status_letter_send

    case = CertificateCase.objects.select_related("customer", "stage", "unit", "deal").filter(pk=case_id).first()
    if case is None or case.stage is None or case.finished_on is not None or letter_refusal(case):
        return
    status_letter_send(case=case, stage_change=True)


def _notify_buyer_after_commit(case: CertificateCase) -> None:
    if not case.letter_consent:  # most buyers: no task at all
        return
    from service.tasks import certificate_letter_task

    certificate_letter_task.delay_on_commit(case.pk)


@transaction.atomic
def case_advance(
    *, case: CertificateCase, by, to: CertificateStage | None = None, on=None, missing: str = "", note: str = ""
) -> CertificateCase:
    """Finish the current stage and start `to` (default: the next stage not done yet); the last one finishes."""
    case = (
        CertificateCase.objects.select_for_update(of=("self",))
        .select_related("stage", "customer", "unit")
        .get(pk=case.pk)
    )
    on = on or timezone.localdate()
    if case.finished_on is not None:
        raise ValidationError(_("This certificate has been handed to the owner already."))
    current = case.stage
    if current is not None:
        CaseStage.objects.filter(case=case, stage=current, done_on__isnull=True).update(done_on=on)
    done = set(CaseStage.objects.filter(case=case, done_on__isnull=False).values_list("stage_id", flat=True))
    if to is None:
        to = _next_stage(case, current, done) if current is not None else None
    elif current is not None and to.order <= current.order:
        raise ValidationError(_("A case only moves forward through the stages."))
    if to is None:
        case.finished_on = on
        case.save(update_fields=["finished_on"])
        return case
    case.stage = to
    case.stage_since = on
    case.stage_due = on + datetime.timedelta(days=to.expected_days)
    case.save(update_fields=["stage", "stage_since", "stage_due"])
    CaseStage.objects.update_or_create(
        case=case,
        stage=to,
        defaults={"started_on": on, "done_on": None, "responsible": by, "missing": missing[:300], "note": note[:300]},
    )
    _notify_buyer_after_commit(case)
    return case


@transaction.atomic
def building_first_registration(*, building, by, on=None, stage_code: str = "first_registration") -> int:
    """The developer's first registration (首次登记) for `building` is done: every open case of the building has
    it recorded as done, and those waiting at it move on. Returns how many cases moved on."""
    stage = CertificateStage.objects.filter(code=stage_code).first()
    if stage is None:
        raise ValidationError(_("The stage template has no first-registration stage."))
    on = on or timezone.localdate()
    cases = list(CertificateCase.objects.filter(building=building, finished_on__isnull=True).select_related("stage"))
    have = set(CaseStage.objects.filter(case__in=cases, stage=stage).values_list("case_id", flat=True))
    CaseStage.objects.bulk_create(
        [
            CaseStage(case=case, stage=stage, started_on=on, done_on=on, responsible=by)
            for case in cases
            if case.pk not in have
        ]
    )
    CaseStage.objects.filter(case__in=cases, stage=stage).update(done_on=on)
    moved = 0
    for case in cases:
        if case.stage_id == stage.pk:
            case_advance(case=case, by=by, on=on)
            moved += 1
    return moved


@transaction.atomic
def building_move(*, building, to: CertificateStage, by, on=None, note: str = "") -> int:
    """Bulk update: every open case of `building` before stage `to` moves to it. Returns how many moved."""
    on = on or timezone.localdate()
    cases = CertificateCase.objects.filter(building=building, finished_on__isnull=True, stage__order__lt=to.order)
    moved = 0
    for case in cases:
        if to.mortgage_only and not case.mortgage:
            continue
        case_advance(case=case, by=by, to=to, on=on, note=note)
        moved += 1
    return moved


@transaction.atomic
def case_stage_update(
    *, row: CaseStage, by, responsible, started_on, done_on=None, missing: str = "", note: str = ""
) -> CaseStage:
    """Edit one stage of a case (responsible, dates, missing documents, note); the current stage's start moves
    the case's "in this stage since" and its expected date. Audited."""
    from crm_site import audit
    from crm_site.models import AuditEntry

    row = CaseStage.objects.select_for_update().select_related("case", "stage").get(pk=row.pk)
    case = row.case
    current = case.stage_id == row.stage_id and case.finished_on is None
    today = timezone.localdate()
    if started_on > today:
        raise ValidationError({"started_on": _("A stage cannot start in the future.")})
    if current:
        done_on = None
    elif row.done_on is not None and done_on is None:
        raise ValidationError({"done_on": _("A finished stage keeps its done date.")})
    if done_on is not None and done_on < started_on:
        raise ValidationError({"done_on": _("A stage cannot be done before it started.")})
    if done_on is not None and done_on > today:
        raise ValidationError({"done_on": _("A stage cannot be done in the future.")})
    before = audit.field_values(row, [CaseStage._meta.get_field(name) for name in CASE_STAGE_FIELDS])
    row.responsible = responsible
    row.started_on = started_on
    row.done_on = done_on
    row.missing = missing[:300]
    row.note = note[:300]
    row.save(update_fields=CASE_STAGE_FIELDS)
    after = audit.field_values(row, [CaseStage._meta.get_field(name) for name in CASE_STAGE_FIELDS])
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=row, changes=changes)
    if current and case.stage_since != started_on:
        case.stage_since = started_on
        case.stage_due = started_on + datetime.timedelta(days=row.stage.expected_days)
        case.save(update_fields=["stage_since", "stage_due"])
    return row


CASE_STAGE_FIELDS = ["responsible", "started_on", "done_on", "missing", "note"]


def case_update(
    *, case: CertificateCase, deadline=None, responsible=None, letter_consent=None, language=None
) -> CertificateCase:
    case.deadline = deadline
    case.responsible = responsible
    fields = ["deadline", "responsible"]
    if letter_consent is not None:
        case.letter_consent = letter_consent
        fields.append("letter_consent")
    if language is not None:
        case.language = language
        fields.append("language")
    case.save(update_fields=fields)
    return case
