"""Reads of ownership conflicts (撞单): what a manager decides and what a rep claimed."""

from django.db.models import Q, QuerySet
from django.utils.text import capfirst

from crm_site import masking
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


# What a claim records, in the order a manager compares it with the file.
EVIDENCE_FIELDS = ("name", "phone", "source", "notes")


def _shown(customer_field, value, *, hide_phone: bool) -> str:
    if value in (None, ""):
        return ""
    if customer_field.name == "phone" and hide_phone:
        return masking.mask_phone(value)
    if customer_field.choices:
        return str(dict(customer_field.flatchoices).get(value, value))
    return str(value)


def conflict_comparison(*, conflict: CustomerConflict, user, with_file: bool) -> list[dict]:
    """The claim beside the file on record, field by field, labelled in the active language: [{label, claim, file,
    same}]. The file's side only when `with_file` (the viewer may open the customer); phones masked as the viewer
    must see them."""
    customer = conflict.customer
    hide_phone = not masking.may_see(user, customer)
    evidence = conflict.evidence or {}
    keys = [key for key in EVIDENCE_FIELDS if key in evidence] + [key for key in evidence if key not in EVIDENCE_FIELDS]
    rows = []
    for key in keys:
        try:
            customer_field = Customer._meta.get_field(key)
        except Exception:  # evidence of an older shape: show the key as it was recorded
            rows.append({"label": key, "claim": str(evidence[key] or ""), "file": "", "same": False})
            continue
        claim = _shown(customer_field, evidence[key], hide_phone=hide_phone)
        on_file = _shown(customer_field, getattr(customer, key, ""), hide_phone=hide_phone) if with_file else ""
        rows.append(
            {
                "label": capfirst(customer_field.verbose_name),
                "claim": claim,
                "file": on_file,
                "same": with_file and claim == on_file and bool(claim),
            }
        )
    return rows
