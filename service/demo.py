"""Demo service data so service.zhou and service.manager have a working day: certificate cases and callbacks for
the demo contracts, tickets in every state (one breached and escalated, one near breach, one waiting on the
customer), National Day 2026 holidays with a make-up Saturday, a renovation. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from service.models import CalendarDay, Category, CertificateCase, CertificateStage, Renovation, SlaPolicy, Ticket

DEMO_ID_NUMBER = "310104198805201234"
HOLIDAYS = [(datetime.date(2026, 10, day), False, "国庆节 National Day") for day in range(1, 8)] + [
    (datetime.date(2026, 10, 10), True, "调休 make-up day")
]


def seed_service_demo(*, stdout) -> None:
    from django.apps import apps

    from sales.models import Deal
    from service.defaults import ensure_defaults

    ensure_defaults(apps.get_model)
    from service.services import callbacks as callback_services
    from service.services import certificates as certificate_services
    from service.services import sla as sla_services
    from service.services import tickets as ticket_services

    User = get_user_model()
    agent = User.objects.filter(username="service.zhou").first()
    manager = User.objects.filter(username="service.manager").first()
    if agent is None:
        stdout.write("service: no demo staff, skipped")
        return
    for day, working, name in HOLIDAYS:
        CalendarDay.objects.get_or_create(day=day, defaults={"working": working, "name": name})
    # SLA policies: the common targets, tighter for key accounts and for the top member tier.
    from members.models import Tier

    top_tier = Tier.objects.order_by("-rank").first()
    leakage = Category.objects.filter(name_en__icontains="leak", parent__isnull=True).first()
    for priority, category, key_account, tier, first, resolution in [
        (Ticket.Priority.URGENT, None, False, None, 60, 8 * 60),
        (Ticket.Priority.URGENT, leakage, False, None, 30, 4 * 60),
        (Ticket.Priority.URGENT, None, True, None, 30, 4 * 60),
        (Ticket.Priority.HIGH, None, True, None, 60, 8 * 60),
        (Ticket.Priority.URGENT, None, False, top_tier, 30, 6 * 60),
    ]:
        SlaPolicy.objects.get_or_create(
            priority=priority,
            category=category,
            key_account=key_account,
            member_tier=tier,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
    contracts = list(
        Deal.objects.filter(stage=Deal.Stage.CONTRACT, project__staff__user=agent)
        .exclude(state=Deal.State.CANCELLED)
        .select_related("customer", "unit")
        .order_by("id")[:20]
    )
    today = timezone.localdate()
    for n, deal in enumerate(contracts):
        deadline = (deal.signed_on or today) + datetime.timedelta(days=[20, 400, 720][n % 3])
        case = certificate_services.case_open(deal=deal, deadline=deadline, responsible=agent, on=deal.signed_on)
        callback_services.callbacks_for_contract(deal=deal)
        if case.stage and case.stage.code == "contract_filing" and n % 2 == 0:
            certificate_services.case_advance(case=case, by=agent, to=CertificateStage.objects.get(code="handover"))
    if contracts and not contracts[0].customer.id_number:
        customer = contracts[0].customer
        type(customer).objects.filter(pk=customer.pk).update(id_number=DEMO_ID_NUMBER)
    if not Ticket.objects.exists() and contracts:
        now = timezone.now()
        leak = Category.objects.filter(name_en="Bathroom").first()
        plans = [
            ("Bathroom ceiling leaking", Ticket.Kind.REPAIR, leak, now - datetime.timedelta(days=10), "in_progress"),
            ("Parking space not as promised", Ticket.Kind.COMPLAINT, None, now - datetime.timedelta(hours=30), ""),
            (
                "Waiting for photos of the crack",
                Ticket.Kind.REPAIR,
                Category.objects.filter(name_en="Cracks").first(),
                now - datetime.timedelta(days=2),
                "waiting",
            ),
            ("When will the certificate be ready?", Ticket.Kind.INQUIRY, None, now - datetime.timedelta(hours=1), ""),
            ("Thanks for the quick fix", Ticket.Kind.PRAISE, None, now - datetime.timedelta(days=5), "resolved"),
        ]
        for n, (subject, kind, category, opened, status) in enumerate(plans):
            deal = contracts[n % len(contracts)]
            ticket = ticket_services.ticket_create(
                customer=deal.customer,
                deal=deal,
                subject=subject,
                kind=kind,
                category=category,
                assignee=agent,
                by=agent,
                at=opened,
                priority=Ticket.Priority.HIGH if n < 2 else Ticket.Priority.NORMAL,
            )
            if status:
                ticket_services.ticket_transition(
                    ticket=ticket,
                    to_status="in_progress" if status != "resolved" else "resolved",
                    by=agent,
                    at=opened + datetime.timedelta(minutes=20),
                )
                if status == "waiting":
                    ticket_services.ticket_transition(ticket=ticket, to_status="waiting", by=agent)
        sla_services.escalate_breached()
    if contracts and not Renovation.objects.exists():
        Renovation.objects.create(
            unit=contracts[0].unit,
            what="Kitchen wall removed (non-bearing)",
            done_on=today - datetime.timedelta(days=200),
            why="Open kitchen",
            by=agent,
        )
    stdout.write(
        f"service: {CertificateCase.objects.count()} certificate cases, {Ticket.objects.count()} tickets"
        + (f"; status page: contract {contracts[0].contract_no} + ID ending {DEMO_ID_NUMBER[-6:]}" if contracts else "")
        + (f" (manager {manager.username})" if manager else "")
    )
