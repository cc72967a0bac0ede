"""Reads of certificate cases: the board of a project, a case, deadlines at risk, the status of a contract."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from service.models import CaseStage, CertificateCase, CertificateStage

AT_RISK_DAYS = 30


def stages() -> list[CertificateStage]:
    return list(CertificateStage.objects.filter(active=True).order_by("order", "id"))


def overdue_q(today) -> Q:
    """Open cases whose stage ran past its expected duration, or whose contract deadline is near or past."""
    return Q(finished_on__isnull=True) & (
        Q(stage_due__lt=today) | Q(deadline__lte=today + datetime.timedelta(days=AT_RISK_DAYS))
    )


def case_get(*, user, pk) -> CertificateCase:
    return (
        CertificateCase.objects.visible_to(user)
        .select_related("stage", "customer", "unit__building", "building", "project", "deal", "responsible")
        .get(pk=pk)
    )


def case_of_deal(*, user, deal_id) -> CertificateCase | None:
    """The certificate case of a contract, if the user may see it (a ticket page links to it)."""
    return (
        CertificateCase.objects.visible_to(user)
        .select_related("stage", "customer", "unit")
        .filter(deal_id=deal_id)
        .first()
    )


@dataclass
class Board:
    stages: list
    buildings: list  # [{"building": id, "name": str, "counts": [n per stage], "finished": n, "total": n}]
    overdue: list
    overdue_count: int


def board(*, user, project, today=None, building=None, limit: int = 50) -> Board:
    """Units of `project` by stage and building (one aggregate query), and the overdue cases (a page of them)."""
    today = today or timezone.localdate()
    template = stages()
    column = {stage.pk: index for index, stage in enumerate(template)}
    rows = CertificateCase.objects.visible_to(user).filter(project=project)
    if building is not None:
        rows = rows.filter(building=building)
    counts = (
        rows.values("building_id", "building__name", "stage_id")
        .annotate(n=Count("id"), finished=Count("id", filter=Q(finished_on__isnull=False)))
        .order_by("building__name")
    )
    buildings: dict[int, dict] = {}
    for row in counts:
        entry = buildings.setdefault(
            row["building_id"],
            {
                "building": row["building_id"],
                "name": row["building__name"],
                "counts": [0] * len(template),
                "finished": 0,
                "total": 0,
            },
        )
        entry["total"] += row["n"]
        entry["finished"] += row["finished"]
        open_n = row["n"] - row["finished"]
        if row["stage_id"] in column and open_n:
            entry["counts"][column[row["stage_id"]]] += open_n
    late = (
        rows.filter(overdue_q(today))
        .select_related("stage", "unit__building", "customer", "building")
        .order_by("deadline", "stage_since")
    )
    overdue = list(late[:limit])
    for case in overdue:
        case.late_stage = case.stage_due is not None and case.stage_due < today
        case.deadline_near = case.deadline is not None and case.deadline <= today + datetime.timedelta(
            days=AT_RISK_DAYS
        )
    return Board(template, list(buildings.values()), overdue, late.count() if len(overdue) >= limit else len(overdue))


def deadline_at_risk(*, user, today=None, limit: int = 11) -> list[CertificateCase]:
    today = today or timezone.localdate()
    return list(
        CertificateCase.objects.visible_to(user)
        .filter(finished_on__isnull=True, deadline__lte=today + datetime.timedelta(days=AT_RISK_DAYS))
        .select_related("stage", "unit__building", "customer")
        .order_by("deadline")[:limit]
    )


def case_stages(case: CertificateCase) -> list[dict]:
    """Every stage of the template that applies, with what happened in it (done, current, to come)."""
    from service.services.certificates import stages_for

    done = {row.stage_id: row for row in CaseStage.objects.filter(case=case).select_related("responsible")}
    result = []
    expected = case.stage_since
    for stage in stages_for(case):
        row = done.get(stage.pk)
        state = "done" if row and row.done_on else ("current" if stage.pk == case.stage_id else "todo")
        if state == "current":
            expected = case.stage_since + datetime.timedelta(days=stage.expected_days)
        elif state == "todo" and expected is not None:
            expected = expected + datetime.timedelta(days=stage.expected_days)
        result.append({"stage": stage, "row": row, "state": state, "expected": expected if state != "done" else None})
    if case.finished_on:
        for item in result:
            item["state"] = "done" if item["row"] else item["state"]
    return result


def export_rows(*, user, project):
    """Header and rows of the board's CSV/XLSX export."""
    yield ["Building", "Unit", "Buyer", "Stage", "Since", "Deadline", "Mortgage", "Handed over"]
    rows = (
        CertificateCase.objects.visible_to(user)
        .filter(project=project)
        .select_related("building", "unit__building", "customer", "stage")
        .order_by("building__name", "unit__number")
    )
    for case in rows.iterator(chunk_size=2000):
        yield [
            case.building.name,
            case.unit.number,
            case.customer.name,
            str(case.stage or ""),
            f"{case.stage_since:%Y-%m-%d}",
            f"{case.deadline:%Y-%m-%d}" if case.deadline else "",
            "Y" if case.mortgage else "",
            f"{case.finished_on:%Y-%m-%d}" if case.finished_on else "",
        ]
