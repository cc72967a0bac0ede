"""Web inquiries: intake (public form, API), the queue and its scope, assignment, conversion to a customer
file, and response time (received → first contact).

Who sees what: a dispatcher (customers.assign_inquiry) sees the unassigned queue plus the inquiries assigned
within their data scope; everyone else sees only the inquiries assigned to them. Acting on an inquiry outside
that set is a 404, like a missing one.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import BooleanField, Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit, masking
from crm_site.models import AuditEntry
from crm_site.scope import reach, scope_q
from crm_site.selectors import assignable_staff
from customers.identity import normalize_phone
from customers.models import Customer, CustomerConflict, CustomerSettings, Inquiry
from customers.services.files import DuplicateCustomer, customer_create
from customers.services.ownership import conflict_record

User = get_user_model()
Status = Inquiry.Status

VIEW_PERMISSION = "customers.view_inquiry"
ASSIGN_PERMISSION = "customers.assign_inquiry"
CHANGE_PERMISSION = "customers.change_inquiry"
WAITING = (Status.NEW, Status.ASSIGNED)  # no first contact yet, still to be answered
FINISHED = (Status.CLOSED, Status.SPAM)
REOPEN = "reopen"  # inquiry_set_status target: back to new / assigned / contacted, as its facts say
# The same person sending the same text again within minutes is a double submit or a client retry.
REPEAT_WINDOW = datetime.timedelta(minutes=10)
STATS_DAYS = 30


# --- reads -------------------------------------------------------------------------------------------------------


def alert_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """Inquiries received before this moment and still unanswered are overdue."""
    hours = CustomerSettings.current().inquiry_alert_hours
    return (now or timezone.now()) - datetime.timedelta(hours=hours)


def overdue_q(cutoff: datetime.datetime) -> Q:
    return Q(first_contact_at__isnull=True, status__in=WAITING, received_at__lt=cutoff)


def with_overdue(inquiries: QuerySet, cutoff: datetime.datetime) -> QuerySet:
    return inquiries.annotate(
        is_overdue=Case(When(overdue_q(cutoff), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def inquiries_visible_to(user) -> QuerySet[Inquiry]:
    """The inquiries `user` may open (see the module docstring)."""
    if not user.is_authenticated or not user.has_perm(VIEW_PERMISSION):
        return Inquiry.objects.none()
    if user.has_perm(ASSIGN_PERMISSION):
        if reach(user).everything:
            return Inquiry.objects.all()
        return Inquiry.objects.filter(Q(assigned_to__isnull=True) | scope_q(user, owner_field="assigned_to"))
    return Inquiry.objects.filter(assigned_to=user)


def inquiry_queue(
    *,
    user,
    status: str = "",
    assigned_to=None,
    overdue: bool = False,
    cutoff: datetime.datetime | None = None,
) -> QuerySet[Inquiry]:
    """The queue: unassigned first, then assigned-but-unanswered (both oldest first), then the rest newest first.

    Spam is left out unless asked for by status."""
    cutoff = cutoff or alert_cutoff()
    inquiries = with_overdue(inquiries_visible_to(user), cutoff).select_related("project", "assigned_to")
    inquiries = inquiries.filter(status=status) if status else inquiries.exclude(status=Status.SPAM)
    if assigned_to is not None:
        inquiries = inquiries.filter(assigned_to=assigned_to)
    if overdue:
        inquiries = inquiries.filter(overdue_q(cutoff))
    return inquiries.annotate(
        queue_rank=Case(
            When(status=Status.NEW, then=Value(0)),
            When(status=Status.ASSIGNED, first_contact_at__isnull=True, then=Value(1)),
            default=Value(2),
        ),
        waiting_since=Case(When(status__in=WAITING, first_contact_at__isnull=True, then=F("received_at"))),
    ).order_by("queue_rank", "waiting_since", "-received_at", "-pk")


def inquiry_get(*, user, pk: int, cutoff: datetime.datetime | None = None) -> Inquiry:
    """The inquiry `pk` if `user` may open it; raises Inquiry.DoesNotExist otherwise."""
    inquiries = inquiries_visible_to(user).select_related("project", "assigned_to", "assigned_by", "customer")
    return with_overdue(inquiries, cutoff or alert_cutoff()).get(pk=pk)


def inquiry_stats(*, user, now: datetime.datetime | None = None, cutoff: datetime.datetime | None = None) -> dict:
    """Counts of the user's queue (waiting, overdue, unassigned) and the median response time of the last 30 days."""
    now = now or timezone.now()
    cutoff = cutoff or alert_cutoff(now=now)
    queue = inquiries_visible_to(user).exclude(status=Status.SPAM)
    counts = queue.aggregate(
        waiting=Count("pk", filter=Q(status__in=WAITING, first_contact_at__isnull=True)),
        overdue=Count("pk", filter=overdue_q(cutoff)),
        unassigned=Count("pk", filter=Q(status=Status.NEW)),
    )
    answered = queue.filter(
        received_at__gte=now - datetime.timedelta(days=STATS_DAYS), first_contact_at__isnull=False
    ).annotate(response=ExpressionWrapper(F("first_contact_at") - F("received_at"), output_field=DurationField()))
    answered_count = answered.count()
    median = None
    if answered_count:
        # Only the one or two middle rows are read, whatever the number of inquiries.
        low, high = (answered_count - 1) // 2, answered_count // 2
        middle = list(answered.order_by("response", "pk").values_list("response", flat=True)[low : high + 1])
        median = sum(middle, datetime.timedelta()) / len(middle)
    return {**counts, "answered": answered_count, "median_response": median, "days": STATS_DAYS}


def assignees_for(*, user) -> QuerySet:
    """Colleagues `user` may hand an inquiry to: active staff in their scope who can open inquiries."""
    can_view = User.objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="view_inquiry", groups__permissions__content_type__app_label="customers")
        | Q(user_permissions__codename="view_inquiry", user_permissions__content_type__app_label="customers")
    )
    return assignable_staff(user=user).filter(pk__in=can_view.values("pk"))


def duration_text(value: datetime.timedelta | None) -> str:
    """A duration for people: "45 min", "1 h 20 min", "2 d 3 h"; empty for None."""
    if value is None:
        return ""
    minutes = max(0, int(value.total_seconds() // 60))
    if minutes < 1:
        return _("under 1 min")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def inquiry_reveal(*, user, inquiries, purpose: str, request=None, assignee_sees: bool = False):
    """Set `shown["phone"]` on each inquiry: unmasked (and logged) for crm_site.view_sensitive, and for the
    assignee when `assignee_sees` (the detail page: they must call); masked for everyone else."""
    # An attribute no inquiry has never matches the viewer, so only the permission reveals.
    owner_field = "assigned_to_id" if assignee_sees else "_nobody"
    return masking.reveal(user, inquiries, ("phone",), purpose=purpose, request=request, owner_field=owner_field)


# --- writes ------------------------------------------------------------------------------------------------------


def inquiry_receive(
    *,
    name: str,
    phone: str,
    channel: str,
    email: str = "",
    message: str = "",
    project=None,
    source_detail: str = "",
    ip: str | None = None,
    spam: bool = False,
    by=None,
) -> Inquiry:
    """Put an inquiry in the unassigned queue (or store it as spam for a manager to review).

    A repeat of one received minutes ago (same phone, same text) returns that one instead of a second row."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Enter a name.")]
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = error.messages
    if project is not None and not project.active:
        errors["project"] = [_("This project is not open for inquiries.")]
    if errors:
        raise ValidationError(errors)
    message = (message or "").strip()
    if not spam:
        repeat = (
            Inquiry.objects.filter(
                phone=phone, message=message, channel=channel, received_at__gte=timezone.now() - REPEAT_WINDOW
            )
            .exclude(status=Status.SPAM)
            .first()
        )
        if repeat is not None:
            return repeat
    inquiry = Inquiry.objects.create(
        name=name[:100],
        phone=phone,
        email=email,
        message=message,
        project=project,
        source_detail=(source_detail or "").strip()[:200],
        channel=channel,
        ip=ip or None,
        status=Status.SPAM if spam else Status.NEW,
    )
    if by is not None:
        audit.record(actor=by, action=AuditEntry.Action.CREATE, instance=inquiry, changes={"channel": channel})
    return inquiry


def _locked(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def _require_assignee(inquiry: Inquiry, by) -> None:
    if inquiry.assigned_to_id != by.pk:
        raise ValidationError(_("Only the colleague this inquiry is assigned to can do this."))


def _require_open(inquiry: Inquiry) -> None:
    if inquiry.status in FINISHED:
        raise ValidationError(_("This inquiry is closed or marked as spam: reopen it first."))


@transaction.atomic
def inquiry_assign(*, inquiry: Inquiry, to_user, by, reason: str = "") -> Inquiry:
    """Hand the inquiry to `to_user` (audited); assigning it to its current assignee changes nothing."""
    inquiry = _locked(inquiry)
    _require_open(inquiry)
    if inquiry.assigned_to_id == to_user.pk:
        return inquiry
    if inquiry.customer_id is not None:
        raise ValidationError(
            _("This inquiry already has a customer file: hand over the customer instead of the inquiry.")
        )
    if not assignees_for(user=by).filter(pk=to_user.pk).exists():
        raise ValidationError({"to_user": [_("You cannot assign inquiries to this colleague.")]})
    previous, previous_status = inquiry.assigned_to_id, inquiry.status
    inquiry.assigned_to = to_user
    inquiry.assigned_by = by
    inquiry.assigned_at = timezone.now()
    if inquiry.status == Status.NEW:
        inquiry.status = Status.ASSIGNED
    inquiry.save(update_fields=["assigned_to", "assigned_by", "assigned_at", "status"])
    changes = {"assigned_to_id": [previous, to_user.pk]}
    if previous_status != inquiry.status:
        changes["status"] = [previous_status, inquiry.status]
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=inquiry, changes=changes, reason=reason.strip())
    return inquiry


@transaction.atomic
def inquiry_set_status(*, inquiry: Inquiry, status: str, by, reason: str = "") -> Inquiry:
    """Close it, mark it as spam, or reopen it (REOPEN): by a manager (change_inquiry) or its assignee."""
    inquiry = _locked(inquiry)
    if not by.has_perm(CHANGE_PERMISSION):
        _require_assignee(inquiry, by)
    if status == REOPEN:
        if inquiry.status not in FINISHED:
            raise ValidationError(_("This inquiry is already open."))
        if inquiry.first_contact_at is not None:
            status = Status.CONTACTED
        else:
            status = Status.ASSIGNED if inquiry.assigned_to_id else Status.NEW
    elif status in FINISHED:
        if inquiry.status == status:
            raise ValidationError(_("This inquiry already has that status."))
    else:
        raise ValidationError(_("Unknown status."))
    previous = inquiry.status
    inquiry.status = status
    inquiry.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=inquiry,
        changes={"status": [previous, status]},
        reason=reason.strip(),
    )
    return inquiry


@dataclass
class Conversion:
    """What converting an inquiry did: created a file, linked an existing one, or recorded a conflict."""

    CREATED = "created"
    LINKED = "linked"
    CONFLICT = "conflict"

    outcome: str
    customer: Customer | None = None
    conflict: CustomerConflict | None = None


@transaction.atomic
def inquiry_convert(*, inquiry: Inquiry, by) -> Conversion:
    """Create the customer file of the inquiry, owned by its assignee, and link it.

    If the phone already has a file the assignee may see, the inquiry is linked to it; if a colleague's file has
    it, the assignee's claim is recorded as a conflict for a manager to decide, and nothing is linked."""
    inquiry = _locked(inquiry)
    _require_assignee(inquiry, by)
    _require_open(inquiry)
    if inquiry.customer_id is not None:
        raise ValidationError(_("This inquiry already has a customer file."))
    try:
        customer = customer_create(
            by=by,
            name=inquiry.name,
            phone=inquiry.phone,
            email=inquiry.email,
            source=Customer.Source.WEB,
            project=inquiry.project,
            notes=inquiry.message,
        )
        outcome = Conversion.CREATED
    except DuplicateCustomer as duplicate:
        existing = duplicate.existing
        if not Customer.objects.visible_to(by).filter(pk=existing.pk).exists():
            conflict = conflict_record(
                customer=existing, claimant=by, evidence={"inquiry": inquiry.pk, "phone": inquiry.phone}
            )
            return Conversion(Conversion.CONFLICT, conflict=conflict)
        customer, outcome = existing, Conversion.LINKED
    inquiry.customer = customer
    inquiry.save(update_fields=["customer"])
    audit.record(
        actor=by, action=AuditEntry.Action.UPDATE, instance=inquiry, changes={"customer_id": [None, customer.pk]}
    )
    return Conversion(outcome, customer=customer)


@transaction.atomic
def inquiry_first_contact(*, inquiry: Inquiry, by) -> Inquiry:
    """Record that the assignee has reached the person now: it stops the response-time clock.

    Once the inquiry has a customer file, contacts are logged there (interaction_log answers the inquiry)."""
    inquiry = _locked(inquiry)
    _require_assignee(inquiry, by)
    _require_open(inquiry)
    if inquiry.customer_id is not None:
        raise ValidationError(_("Log the contact on the customer file: it records what was said."))
    if inquiry.first_contact_at is not None:
        raise ValidationError(_("The first contact is already recorded."))
    previous = inquiry.status
    inquiry.first_contact_at = timezone.now()
    inquiry.status = Status.CONTACTED
    inquiry.save(update_fields=["first_contact_at", "status"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        instance=inquiry,
        changes={
            "status": [previous, inquiry.status],
            "first_contact_at": [None, audit.jsonable(inquiry.first_contact_at)],
        },
    )
    return inquiry
