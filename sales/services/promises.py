"""Writes of the promises register: recording a promise made to a buyer and closing it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from sales.models import Deal, Project, Promise

CLOSING = (Promise.Status.KEPT, Promise.Status.BROKEN, Promise.Status.WITHDRAWN)
NOTE_REQUIRED = (Promise.Status.BROKEN, Promise.Status.WITHDRAWN)


def may_close(*, promise: Promise, user) -> bool:
    """The promiser, their managers and the project's service staff (all: in scope, holding change_promise)."""
    if not user.has_perm("sales.change_promise"):
        return False
    return Promise.objects.visible_to(user).filter(pk=promise.pk).exists()


@transaction.atomic
def promise_create(
    *,
    customer: Customer,
    project: Project | None,
    topic: str,
    content: str,
    due_on=None,
    evidence: str = "",
    by,
    deal: Deal | None = None,
    promised_by=None,
) -> Promise:
    """Record what `promised_by` (default: `by`) promised `customer`; the project defaults to the deal's or customer's."""
    if not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You cannot record promises for this customer."))
    errors = {}
    if deal is not None and deal.customer_id != customer.pk:
        errors["deal"] = _("This contract belongs to another customer.")
    project = project or (deal.project if deal is not None else None) or customer.project
    if project is None:
        errors["project"] = _("Choose the project the promise is about.")
    content = (content or "").strip()
    if not content:
        errors["content"] = _("Say what was promised.")
    if topic not in Promise.Topic.values:
        errors["topic"] = _("Choose a topic.")
    if errors:
        raise ValidationError(errors)
    return Promise.objects.create(
        customer=customer,
        deal=deal,
        project=project,
        promised_by=promised_by or by,
        topic=topic,
        content=content,
        due_on=due_on,
        evidence=(evidence or "").strip(),
    )


@transaction.atomic
def promise_close(*, promise: Promise, status: str, note: str = "", by) -> Promise:
    """Mark an open promise kept, broken or withdrawn (a note says why for the last two); history records who."""
    promise = Promise.objects.select_for_update().get(pk=promise.pk)
    if promise.status != Promise.Status.OPEN:
        raise ValidationError(_("This promise is already closed."))
    if status not in CLOSING:
        raise ValidationError({"status": _("Choose kept, broken or withdrawn.")})
    note = (note or "").strip()
    if status in NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Say why the promise was broken or withdrawn.")})
    if not may_close(promise=promise, user=by):
        raise PermissionDenied(_("You may not close this promise."))
    promise.status = status
    promise.close_note = note[:300]
    promise.closed_at = timezone.now()
    promise.closed_by = by
    promise._change_reason = note[:100] or status
    promise.save(update_fields=["status", "close_note", "closed_at", "closed_by"])
    return promise
