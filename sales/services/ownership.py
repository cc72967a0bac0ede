"""Sales records follow their customer: a new owner gets the open ones, a merged duplicate's rows move over.

Called by sales.receivers when customers announces a change (customers.signals). Open work moves; closed history
(won or lost opportunities, cancelled or delivered deals, payments received, kept or broken promises, stage
changes, commissions) stays attributed to whoever did it.
"""

from django.db.models import F, Q, QuerySet

from crm_site import audit, reportcache
from crm_site.scope import staff_profile
from sales.models import (
    CampaignLead,
    CompetitorMove,
    Deal,
    Installment,
    Lease,
    Opportunity,
    PartnerRegistration,
    Promise,
)


def open_records(customer_ids) -> dict[str, QuerySet]:
    """The open sales records of these customers, one queryset per table."""
    live_deals = Q(deal__customer_id__in=customer_ids, deal__state=Deal.State.LIVE)
    live_leases = Q(lease__tenant_id__in=customer_ids, lease__state=Lease.State.LIVE)
    return {
        "opportunities": Opportunity.objects.filter(customer_id__in=customer_ids).open(),
        # A reservation, subscription or contract in progress (delivered and cancelled deals are history).
        "deals": Deal.objects.filter(customer_id__in=customer_ids, state=Deal.State.LIVE),
        "leases": Lease.objects.filter(tenant_id__in=customer_ids, state=Lease.State.LIVE),
        # Installment.owner is denormalised for scope: the lines still to collect go with their deal or lease.
        "installments": Installment.objects.filter(live_deals | live_leases).filter(received__lt=F("amount")),
        # Who is responsible moves; who promised (promised_by) stays.
        "promises": Promise.objects.filter(customer_id__in=customer_ids, status=Promise.Status.OPEN),
    }


def open_records_move(*, customer_ids, to_user, by, reason: str) -> dict[str, int]:
    """Give `to_user` (and their team, where a row keeps one) every open sales record of these customers: one
    read and one UPDATE per table, one audit call per table. Returns {the table's verbose plural: rows moved}."""
    ids = sorted(customer_ids)
    profile = staff_profile(to_user)
    moved = {}
    for rows in open_records(ids).values():
        rows = rows.exclude(owner=to_user)
        changes = {
            pk: {"owner_id": [previous, to_user.pk]}
            for pk, previous in rows.select_for_update(of=("self",)).values_list("pk", "owner_id")
        }
        if not changes:
            continue
        extra = {"team": profile.team if profile else None} if rows.model is Opportunity else {}
        rows.model.objects.filter(pk__in=list(changes)).update(owner=to_user, **extra)
        audit.record_many(actor=by, model=rows.model._meta.label_lower, changes_by_id=changes, reason=reason)
        moved[str(rows.model._meta.verbose_name_plural)] = len(changes)
    if moved:  # bulk updates send no post_save: the cached boards and reports start afresh
        reportcache.changed("sales.funnel")
        reportcache.changed("sales.money")
    return moved


def customer_rows_merge(*, keep, merge) -> None:
    """Point every sales row of the duplicate `merge` at `keep` (before the duplicate is deleted)."""
    reportcache.changed("sales.funnel")
    Opportunity.objects.filter(customer=merge).update(customer=keep)
    Deal.objects.filter(customer=merge).update(customer=keep)
    Promise.objects.filter(customer=merge).update(customer=keep)
    Lease.objects.filter(tenant=merge).update(tenant=keep)
    PartnerRegistration.objects.filter(customer=merge).update(customer=keep)
    CompetitorMove.objects.filter(customer=merge).update(customer=keep)
    # One campaign lead per customer: the first touch wins, so keep's own stays if it has one.
    if not CampaignLead.objects.filter(customer=keep).exists():
        CampaignLead.objects.filter(customer=merge).update(customer=keep)
