"""Reads of ownership conflicts (撞单): what a manager decides and what a rep claimed."""

from django.db.models import Q, QuerySet

from customers.models import Customer, CustomerConflict

MANAGE = "customers.manage_ownership"


def conflict_list(*, user) -> QuerySet[CustomerConflict]:
    """Conflicts a manager may decide (files in their scope) and the user's own claims; others only their claims."""
    conflicts = CustomerConflict.objects.select_related("customer", "claimant", "owner_at_claim", "resolved_by")
    if user.has_perm(MANAGE):
        return conflicts.filter(Q(customer__in=Customer.objects.visible_to(user)) | Q(claimant=user))
    return conflicts.filter(claimant=user)


def conflicts_to_decide(*, user) -> QuerySet[CustomerConflict]:
    """Open conflicts on files in the manager's scope, oldest first (none for who may not decide)."""
    if not user.has_perm(MANAGE):
        return CustomerConflict.objects.none()
    return (
        conflict_list(user=user)
        .filter(status=CustomerConflict.Status.OPEN)
        .exclude(claimant=user)
        .order_by("claimed_at")
    )
