"""Customer care: birthday and purchase-anniversary greetings, sent only through outreach (templates in both
languages, consent, an address, the customer's timeline). The daily job is safe to run twice (a dedupe key per
customer, occasion and year). Care plans for key accounts and star customers, with a review date."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from members.selectors.care import greetings_due
from outreach.services.messages import MessageRefused, message_send

logger = logging.getLogger(__name__)


def greetings_send(*, day: datetime.date) -> dict:
    """Greet everyone due on `day`; returns how many were sent and how many were skipped (no consent or address)."""
    counts = {"sent": 0, "skipped": 0}
    for due in greetings_due(day=day):
        key = f"members.{due.occasion}:{due.customer.pk}:{day.year}"
        if due.deal_id:
            key += f":{due.deal_id}"
        try:
            message_send(
                template=f"members.{due.occasion}",
                customer=due.customer,
                context={"years": due.years},
                dedupe_key=key,
            )
        except MessageRefused:
            counts["skipped"] += 1
            continue
        counts["sent"] += 1
    return counts


def care_plan_eligibility(customer) -> str:
    """Why `customer` may have a care plan (CarePlan.Reason), or "" when they may not: key accounts, and the
    star customers of the newest value matrix (read through crm_site.segments: members never imports analytics)."""
    from crm_site import segments
    from members.models import CarePlan

    if customer.key_account:
        return CarePlan.Reason.KEY_ACCOUNT
    if segments.contains("value.star", customer.pk):
        return CarePlan.Reason.STAR
    return ""


@transaction.atomic
def care_plan_save(*, customer, by, review_on: datetime.date, notes: str):
    """Create or change the customer's care plan (the next review date and the plan); audited."""
    from members.models import CarePlan

    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": _("Write what the plan is.")})
    if review_on is None or review_on < timezone.localdate():
        raise ValidationError({"review_on": _("Set the next review for today or later.")})
    plan = CarePlan.objects.select_for_update().filter(customer=customer).first()
    reason = care_plan_eligibility(customer) or (plan.reason if plan else "")
    if not reason:
        raise ValidationError(_("Care plans are for key accounts and star customers."))
    created = plan is None
    old = {} if created else {"review_on": plan.review_on.isoformat(), "notes": plan.notes}
    plan = plan or CarePlan(customer=customer)
    plan.reason, plan.review_on, plan.notes, plan.updated_by = reason, review_on, notes[:2000], by
    plan.save()
    new = {"review_on": review_on.isoformat(), "notes": plan.notes}
    changes = {
        key: value if created else [old[key], value] for key, value in new.items() if created or old[key] != value
    }
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        instance=plan,
        changes=changes,
    )
    return plan
