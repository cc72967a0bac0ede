"""The buyer's status page: finding a contract by its number and the last six characters of the buyer's ID,
and what the page (and the status letter) shows."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from service.models import CertificateCase, Ticket


def find_contract(*, contract_no: str, id_tail: str):
    """The contract with this number whose buyer's ID number ends with `id_tail`, or None (whichever part is wrong)."""
    from sales.models import Deal

    number = (contract_no or "").strip()
    tail = (id_tail or "").strip().upper()
    if not number or len(tail) != 6:
        return None
    deal = (
        Deal.objects.filter(contract_no=number, stage=Deal.Stage.CONTRACT)
        .exclude(state=Deal.State.CANCELLED)
        .select_related("customer", "unit__building", "project")
        .first()
    )
    if deal is None or not deal.customer.id_number or not deal.customer.id_number.upper().endswith(tail):
        return None
    return deal


@dataclass
class BuyerStatus:
    deal: object
    case: CertificateCase | None
    stage_expected: datetime.date | None
    tickets: list
    stages: list


def buyer_status(deal) -> BuyerStatus:
    case = CertificateCase.objects.filter(deal=deal).select_related("stage").first()
    expected, stages = None, []
    if case is not None:
        from service.selectors.certificates import case_stages

        stages = case_stages(case)
        if case.finished_on is None and stages:
            expected = stages[-1]["expected"]
    tickets = list(
        Ticket.objects.filter(customer_id=deal.customer_id)
        .filter(Q(deal=deal) | Q(unit_id=deal.unit_id) | Q(deal__isnull=True, unit__isnull=True))
        .exclude(status=Ticket.Status.CLOSED)
        .order_by("-created_at")[:20]
    )
    return BuyerStatus(deal, case, expected, tickets, stages)
