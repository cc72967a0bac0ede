"""Reads of deals: lists, the approval queue, a deal with its history."""

import datetime

from django.db.models import QuerySet

from crm_site import customfields
from sales.models import Deal

# What a row of the deal lists shows besides the deal.
ENTITY = "deal"  # the record kind of custom fields (registered in SalesConfig.ready)
ROW_RELATED = ("unit__building", "customer", "project", "owner")


def deal_list(
    *,
    user,
    stage: str = "",
    state: str = "",
    project=None,
    owner=None,
    approval: str = "",
    signed_from: datetime.date | None = None,
    signed_to: datetime.date | None = None,
    opportunity=None,
    custom: dict | None = None,
) -> QuerySet[Deal]:
    """The user's visible deals, filtered (custom: {key: value} of custom-field filters), newest reservation
    first."""
    rows = Deal.objects.visible_to(user).select_related(*ROW_RELATED)
    for name, value in (
        ("stage", stage),
        ("state", state),
        ("project", project),
        ("owner", owner),
        ("approval", approval),
        ("opportunity", opportunity),
    ):
        if value:
            rows = rows.filter(**{name: value})
    if signed_from:
        rows = rows.filter(signed_on__gte=signed_from)
    if signed_to:
        rows = rows.filter(signed_on__lte=signed_to)
    rows = customfields.filter_records(rows, ENTITY, custom)
    return rows.order_by("-reserved_at", "-id")


def deal_rows() -> QuerySet[Deal]:
    """Where a page of deal_list's keys is read from, by primary key: with what a row shows, unscoped (the keys
    are)."""
    return Deal.objects.select_related(*ROW_RELATED)


def deal_get(*, user, pk: int) -> Deal:
    """The deal `pk` if `user` may see it; raises Deal.DoesNotExist otherwise."""
    return (
        Deal.objects.visible_to(user)
        .select_related("unit__building", "customer", "project", "owner", "opportunity", "approved_by", "cancelled_by")
        .get(pk=pk)
    )


def approval_queue(*, user) -> QuerySet[Deal]:
    """Live deals in the user's scope whose discount waits for a decision, oldest first."""
    return (
        Deal.objects.visible_to(user)
        .live()
        .filter(approval=Deal.Approval.PENDING)
        .select_related("unit__building", "customer", "project", "owner")
        .order_by("updated_at", "id")
    )


def may_see_margin(user) -> bool:
    return user.has_perm("crm_site.view_sensitive") or user.has_perm("sales.approve_discount")


def deal_history(*, deal: Deal, limit: int = 30) -> list:
    """The deal's recorded versions, newest first (who changed what, and why)."""
    return list(deal.history.select_related("history_user").order_by("-history_date")[:limit])
