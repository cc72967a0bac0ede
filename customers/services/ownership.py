"""Who owns a customer: conflicts (撞单), co-owners, the public pool (公海), hand-over, key accounts.

Every change of owner is audited with the acting user and a reason, and announced once through
`_owners_changed` (customers.signals.customer_owner_changed): the apps holding open records of the customers
(sales today, members and service next) move them to the new owner in the same transaction.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry, StaffProfile
from crm_site.scope import staff_profile
from customers import pool
from customers.models import (
    Customer,
    CustomerConflict,
    CustomerMember,
    CustomerPhone,
    CustomerSettings,
    CustomerShare,
    Handover,
    Inquiry,
    Interaction,
    PurchaseIntent,
    VisitPlan,
)
from customers.services.files import EDITABLE
from customers.signals import customer_merging, customer_owner_changed

SYSTEM_REASON_LAPSED = "protection period ended without follow-up"
REASON_CLAIMED = "claimed from pool"


def _owners_changed(moves: dict, *, to_user, by, reason: str) -> dict[str, int]:
    """Announce that the customers in `moves` ({id: previous owner id}) now belong to `to_user` (None: the pool).

    The one place customer_owner_changed is sent from: every path that changes Customer.owner calls it inside
    its transaction, after the customers' rows are updated; receivers move their open records (see the signal).
    Returns what the receivers say they moved: {kind of record: how many}.
    """
    if to_user is not None:
        moves = {pk: previous for pk, previous in moves.items() if previous != to_user.pk}
    moved: dict[str, int] = {}
    if moves:
        for _receiver, answer in customer_owner_changed.send(
            sender=Customer, moves=moves, to_user=to_user, by=by, reason=reason
        ):
            for kind, count in (answer or {}).items():
                moved[kind] = moved.get(kind, 0) + count
    return moved


def _set_owner(customer: Customer, owner, *, by, reason: str) -> None:
    previous = customer.owner_id
    profile = staff_profile(owner) if owner is not None else None
    customer.owner = owner
    customer.owned_since = timezone.now() if owner is not None else None
    if profile is not None:
        customer.team = profile.team
    customer._history_user = by
    customer._change_reason = reason
    customer.save(update_fields=["owner", "owned_since", "team", "updated_at"])
    _owners_changed({customer.pk: previous}, to_user=owner, by=by, reason=reason)


@transaction.atomic
def customers_touch(*, customer_ids: Iterable[int], at: datetime.datetime | None = None) -> int:
    """Record activity on these files that renews their owner's protection (a stage move, a reservation, a
    contract, a payment: other apps call this); returns how many files moved forward. Not a logged contact:
    last_contact_at keeps meaning the last contact."""
    at = at or timezone.now()
    ids = sorted({pk for pk in customer_ids if pk is not None})
    if not ids:
        return 0
    # A cache like last_contact_at: written with update(), not audited.
    return (
        Customer.objects.filter(pk__in=ids)
        .filter(Q(touched_at__isnull=True) | Q(touched_at__lt=at))
        .update(touched_at=at)
    )


def conflict_record(*, customer: Customer, claimant, evidence: dict) -> CustomerConflict:
    """Record a second rep's claim; the first receiver keeps the customer until a manager decides."""
    open_claim = CustomerConflict.objects.filter(
        customer=customer, claimant=claimant, status=CustomerConflict.Status.OPEN
    ).first()
    if open_claim is not None:
        return open_claim
    return CustomerConflict.objects.create(
        customer=customer, claimant=claimant, owner_at_claim=customer.owner, evidence=evidence
    )


@transaction.atomic
def conflict_resolve(*, conflict: CustomerConflict, decision: str, by, reason: str) -> CustomerConflict:
    """Keep (owner stays), share (claimant becomes co-owner) or reassign (claimant becomes owner)."""
    conflict = CustomerConflict.objects.select_for_update().select_related("customer").get(pk=conflict.pk)
    if conflict.status != CustomerConflict.Status.OPEN:
        raise ValidationError(_("This conflict has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the decision."))
    customer = conflict.customer
    if decision == CustomerConflict.Status.SHARED:
        CustomerShare.objects.get_or_create(
            customer=customer, user=conflict.claimant, defaults={"created_by": by, "reason": reason}
        )
    elif decision == CustomerConflict.Status.REASSIGNED:
        _set_owner(customer, conflict.claimant, by=by, reason=reason)
    elif decision != CustomerConflict.Status.KEPT:
        raise ValidationError(_("Unknown decision."))
    conflict.status = decision
    conflict.resolved_by = by
    conflict.resolved_at = timezone.now()
    conflict.reason = reason
    conflict.save()
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=customer,
        changes={"conflict": [CustomerConflict.Status.OPEN.value, decision], "claimant": [None, conflict.claimant_id]},
        reason=reason,
    )
    return conflict


@transaction.atomic
def customers_hand_over(*, from_user, to_user, by, reason: str, customer_ids=None) -> Handover:
    """Move all (or the chosen) customers of `from_user`, with their open follow-ups, planned visits and
    assigned inquiries, to `to_user` in one audited step."""
    if from_user.pk == to_user.pk:
        raise ValidationError(_("Hand over to a different colleague."))
    if not to_user.is_active:
        raise ValidationError(_("The receiving colleague is deactivated."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the hand-over."))
    customers = Customer.objects.select_for_update().filter(owner=from_user)
    if customer_ids is not None:
        customers = customers.filter(pk__in=customer_ids)
    moved = list(customers.values_list("pk", flat=True))
    profile = staff_profile(to_user)
    now = timezone.now()
    Customer.objects.filter(pk__in=moved).update(owner=to_user, owned_since=now, team=profile.team if profile else None)
    records = _owners_changed(dict.fromkeys(moved, from_user.pk), to_user=to_user, by=by, reason=reason)
    followups = Interaction.objects.filter(customer_id__in=moved, staff=from_user, next_done=False).exclude(
        next_due=None
    )
    followup_count = followups.update(staff=to_user)
    VisitPlan.objects.filter(customer_id__in=moved, staff=from_user, status=VisitPlan.Status.PLANNED).update(
        staff=to_user
    )
    Inquiry.objects.filter(customer_id__in=moved, assigned_to=from_user).exclude(status=Inquiry.Status.CLOSED).update(
        assigned_to=to_user
    )
    handover = Handover.objects.create(
        from_user=from_user,
        to_user=to_user,
        by=by,
        reason=reason,
        customer_count=len(moved),
        followup_count=followup_count,
    )
    handover.open_records = records  # for the page's message: {kind of record: how many}
    audit.record_many(
        actor=by,
        model="customers.customer",
        changes_by_id={pk: {"owner_id": [from_user.pk, to_user.pk]} for pk in moved},
        reason=reason,
    )
    return handover


@transaction.atomic
def key_account_assign(*, customer: Customer, rep, by, reason: str) -> Customer:
    if not reason.strip():
        raise ValidationError(_("Give a reason for the key-account assignment."))
    if customer.owner_id != rep.pk:
        _set_owner(customer, rep, by=by, reason=reason)
    customer.key_account = True
    customer.key_account_reason = reason
    customer._history_user = by
    customer.save(update_fields=["key_account", "key_account_reason", "updated_at"])
    return customer


@transaction.atomic
def pool_release_lapsed(*, now: datetime.datetime | None = None) -> int:
    """Send lapsed files to their team's public pool (never those customers.pool keeps); returns how many.
    Safe to run twice."""
    rows = list(pool.lapsing(now=now).values_list("pk", "owner_id"))
    if not rows:
        return 0
    Customer.objects.filter(pk__in=[pk for pk, _owner in rows]).update(owner=None, owned_since=None)
    _owners_changed(dict(rows), to_user=None, by=None, reason=SYSTEM_REASON_LAPSED)
    audit.record_many(
        actor=None,
        model="customers.customer",
        changes_by_id={pk: {"owner_id": [owner_id, None]} for pk, owner_id in rows},
        reason=SYSTEM_REASON_LAPSED,
    )
    return len(rows)


@transaction.atomic
def pool_claim(*, customer_id: int, by) -> Customer:
    """Claim a pool file for `by`: one conditional UPDATE decides races; the hold limit is checked under a lock."""
    profile = StaffProfile.objects.select_for_update().get(user=by)
    limit = CustomerSettings.current().hold_limit
    if Customer.objects.filter(owner=by).count() >= limit:
        raise ValidationError(_("You already hold %(limit)d customers, the most a rep may hold.") % {"limit": limit})
    pool = Customer.objects.filter(pk=customer_id, owner__isnull=True)
    if profile.team_id is not None:
        pool = pool.filter(Q(team_id=profile.team_id) | Q(team__isnull=True))
    won = pool.update(owner=by, owned_since=timezone.now(), team=profile.team)
    if not won:
        raise ValidationError(_("Someone else claimed this customer first, or it is not in your team's pool."))
    customer = Customer.objects.get(pk=customer_id)
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=customer,
        changes={"owner_id": [None, by.pk]},
        reason=REASON_CLAIMED,
    )
    _owners_changed({customer.pk: None}, to_user=by, by=by, reason=REASON_CLAIMED)
    return customer


@transaction.atomic
def customers_assign(*, customers, to_user, by, reason: str = "") -> int:
    """Give the chosen files to `to_user` (a manager's bulk action); audited per file."""
    profile = staff_profile(to_user)
    reason = reason or "bulk assignment"
    rows = list(customers.exclude(owner=to_user).select_for_update().values_list("pk", "owner_id"))
    Customer.objects.filter(pk__in=[pk for pk, _owner in rows]).update(
        owner=to_user, owned_since=timezone.now(), team=profile.team if profile else None
    )
    audit.record_many(
        actor=by,
        model="customers.customer",
        changes_by_id={pk: {"owner_id": [owner_id, to_user.pk]} for pk, owner_id in rows},
        reason=reason,
    )
    _owners_changed(dict(rows), to_user=to_user, by=by, reason=reason)
    return len(rows)


@transaction.atomic
def customer_merge(*, keep: Customer, merge: Customer, by, reason: str) -> Customer:
    """Fold `merge` into `keep`: every phone, member, intent, contact, plan, claim and inquiry moves over, and
    every other app's rows with them (customers.signals.customer_merging)."""
    if keep.pk == merge.pk:
        raise ValidationError(_("Choose two different customers to merge."))
    # The duplicate's open records (opportunities, deals ... in other apps) go to keep's owner, then every app
    # points its rows at keep: nothing is deleted with the duplicate.
    if keep.owner_id is not None:
        _owners_changed({merge.pk: merge.owner_id}, to_user=keep.owner, by=by, reason=reason)
    customer_merging.send(sender=Customer, keep=keep, merge=merge, by=by, reason=reason)
    # The merged file's numbers join as secondary ones: a file has exactly one primary number.
    CustomerPhone.objects.filter(customer=merge).update(primary=False)
    for model in (CustomerPhone, CustomerMember, PurchaseIntent, Interaction, VisitPlan, CustomerConflict, Inquiry):
        model.objects.filter(customer=merge).update(customer=keep)
    CustomerPhone.objects.filter(customer=keep, primary=True).exclude(number=keep.phone).update(primary=False)
    for share in CustomerShare.objects.filter(customer=merge):
        CustomerShare.objects.get_or_create(
            customer=keep, user=share.user, defaults={"created_by": by, "reason": share.reason}
        )
    Customer.objects.filter(referrer=merge).update(referrer=keep)
    filled = {}
    for name in EDITABLE:
        if name in ("phone", "id_number", "project", "referrer"):
            continue
        if getattr(keep, name) in ("", None, []) and getattr(merge, name) not in ("", None, []):
            setattr(keep, name, getattr(merge, name))
            filled[name] = getattr(merge, name)
    keep.custom = {**merge.custom, **keep.custom}
    keep.last_contact_at = max(filter(None, [keep.last_contact_at, merge.last_contact_at]), default=None)
    keep.touched_at = max(filter(None, [keep.touched_at, merge.touched_at]), default=None)
    merged_id_number = merge.id_number
    merge_label = f"{merge.name} #{merge.pk}"
    merge._history_user = by
    merge.delete()
    if not keep.id_number and merged_id_number:
        keep.id_number = merged_id_number
    keep._history_user = by
    keep.save()
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=keep,
        changes={
            "merged": [merge_label, str(keep)],
            **{key: [None, audit.jsonable(value)] for key, value in filled.items()},
        },
        reason=reason,
    )
    return keep
