"""Celery tasks of the member club (thin: each calls one service and is safe to run twice)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def contract_signed_task(deal_id: int) -> None:
    from members import services
    from sales.models import Deal

    deal = Deal.objects.filter(pk=deal_id).first()
    if deal is not None:
        services.contract_signed(deal=deal)


@shared_task
def contract_cancelled_task(deal_id: int) -> None:
    from members import services
    from sales.models import Deal

    deal = Deal.objects.filter(pk=deal_id).first()
    if deal is not None:
        services.contract_cancelled(deal=deal)


@shared_task
def survey_answered_task(invite_id: int, customer_id: int) -> None:
    from members import services
    from service.models import SurveyInvite

    invite = SurveyInvite.objects.filter(pk=invite_id, answered_at__isnull=False).first()
    if invite is not None:
        services.survey_points(customer_id=customer_id, invite=invite)


@shared_task
def profile_points_task(customer_id: int) -> None:
    from customers.models import Customer
    from members import services

    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is not None:
        services.profile_points(customer=customer)


@shared_task
def points_expire_task() -> int:
    from members import services

    return services.points_expire_all()


@shared_task
def balances_reconcile_task() -> int:
    """The nightly check; a mismatch is logged as an error and told to the staff who adjust points."""
    from members import services

    mismatches = services.balances_reconcile()
    if mismatches:
        from outreach.services.notifications import notify_permission

        notify_permission(
            permission="members.adjust_points",
            template="members.balance_mismatch",
            context={"count": len(mismatches), "members": ", ".join(str(m.member_id) for m in mismatches[:20])},
            dedupe_key="",
        )
    return len(mismatches)


@shared_task
def tiers_review_task() -> dict:
    from members import services

    return services.tiers_review()


@shared_task
def greetings_send_task() -> dict:
    from django.utils import timezone

    from members import services

    return services.greetings_send(day=timezone.localdate())
