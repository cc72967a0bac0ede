"""Who owns a customer: conflicts (撞单), co-owners, the public pool (公海), hand-over, key accounts.

Every change of owner is audited with the acting user and a reason.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry, StaffProfile
from crm_site.scope import staff_profile
from customers.models import (
    Customer,
    CustomerConflict,
    CustomerSettings,
    CustomerShare,
    Handover,
    Inquiry,
    Interaction,
    LevelPolicy,
    VisitPlan,
)

SYSTEM_REASON_LAPSED = "protection period ended without follow-up"


def _set_owner(customer: Customer, owner, *, by, reason: str) -> None:
    profile = staff_profile(owner) if owner is not None else None
    customer.owner = owner
    customer.owned_since = timezone.now() if owner is not None else None
    if profile is not None:
        customer.team = profile.team
    customer._history_user = by
    customer._change_reason = reason
    customer.save(update_fields=["owner", "owned_since", "team", "updated_at"])


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


def lapse_q(now: datetime.datetime | None = None) -> Q:
    """Owned, non-key files whose last follow-up (or ownership start) is older than their level's protection."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for level, policy in LevelPolicy.for_all_levels().items():
        q |= Q(level=level, last_touch__lt=now - datetime.timedelta(days=policy.protection_days))
    return q


def with_last_touch(queryset):
    """The latest of the last contact and the start of the current ownership (a claim or hand-over
    starts a fresh protection period), falling back to the creation time."""
    return queryset.annotate(
        last_touch=Greatest(
            Coalesce("last_contact_at", "owned_since", "created_at"),
            Coalesce("owned_since", "last_contact_at", "created_at"),
        )
    )


@transaction.atomic
def pool_release_lapsed(*, now: datetime.datetime | None = None) -> int:
    """Send lapsed files to their team's public pool; returns how many. Safe to run twice."""
    lapsed = with_last_touch(Customer.objects.filter(owner__isnull=False, key_account=False)).filter(lapse_q(now))
    rows = list(lapsed.values_list("pk", "owner_id"))
    if not rows:
        return 0
    Customer.objects.filter(pk__in=[pk for pk, _owner in rows]).update(owner=None, owned_since=None)
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
        reason="claimed from pool",
    )
    return customer


@transaction.atomic
def customers_assign(*, customers, to_user, by, reason: str = "") -> int:
    """Give the chosen files to `to_user` (a manager's bulk action); audited per file."""
    profile = staff_profile(to_user)
    rows = list(customers.exclude(owner=to_user).values_list("pk", "owner_id"))
    Customer.objects.filter(pk__in=[pk for pk, _owner in rows]).update(
        owner=to_user, owned_since=timezone.now(), team=profile.team if profile else None
    )
    audit.record_many(
        actor=by,
        model="customers.customer",
        changes_by_id={pk: {"owner_id": [owner_id, to_user.pk]} for pk, owner_id in rows},
        reason=reason or "bulk assignment",
    )
    return len(rows)
