"""Channel partners: registrations (报备) with their protection period, commission rules and commissions."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.identity import normalize_phone
from customers.models import Customer, CustomerPhone
from sales.models import Commission, CommissionRule, Deal, Partner, PartnerRegistration, Project, SalesSettings

CENT = Decimal("0.01")
Status = PartnerRegistration.Status
# Shown to the partner; deliberately says nothing about who owns the customer.
REASON_CUSTOMER = "already a customer"
REASON_PARTNER = "already registered by another partner"


def reject_reason_label(reason: str) -> str:
    labels = {REASON_CUSTOMER: _("already a customer"), REASON_PARTNER: _("already registered by another partner")}
    return labels.get(reason, reason)


def protected_registration_for(phone: str, *, now: datetime.datetime | None = None) -> PartnerRegistration | None:
    """The live protected registration of this normalised phone, if a partner holds one now."""
    if not phone:
        return None
    now = now or timezone.now()
    return (
        PartnerRegistration.objects.select_related("partner")
        .filter(phone=phone, status=Status.PROTECTED, protected_until__gte=now)
        .first()
    )


def _rejected(*, partner, project, customer_name, phone, by, now, reason) -> PartnerRegistration:
    return PartnerRegistration.objects.create(
        partner=partner,
        project=project,
        customer_name=customer_name,
        phone=phone,
        status=Status.REJECTED,
        reject_reason=reason,
        registered_at=now,
        protected_until=now,
        by=by,
    )


@transaction.atomic
def registration_create(
    *, partner: Partner, project: Project, customer_name: str, phone: str, by, now: datetime.datetime | None = None
) -> PartnerRegistration:
    """Register a customer for `partner`: protected for the configured days, or saved as rejected with a reason.

    The duplicate rules are the customers' ones: the first receiver keeps the customer, and one live
    protection per phone (the partial unique index registration_one_live decides simultaneous registrations).
    """
    now = now or timezone.now()
    customer_name = (customer_name or "").strip()
    if not customer_name:
        raise ValidationError({"customer_name": _("Enter the customer's name.")})
    if not partner.active:
        raise ValidationError(_("This partner is not active."))
    phone = normalize_phone(phone)  # raises ValidationError for a bad number
    fields = {"partner": partner, "project": project, "customer_name": customer_name[:100], "phone": phone, "by": by}
    if CustomerPhone.objects.filter(number=phone).exists():
        return _rejected(**fields, now=now, reason=REASON_CUSTOMER)
    # A lapsed protection the expiry job has not reached yet must not block the number.
    PartnerRegistration.objects.filter(phone=phone, status=Status.PROTECTED, protected_until__lt=now).update(
        status=Status.EXPIRED
    )
    if PartnerRegistration.objects.filter(phone=phone, status=Status.PROTECTED).exists():
        return _rejected(**fields, now=now, reason=REASON_PARTNER)
    days = SalesSettings.current().partner_protection_days
    try:
        with transaction.atomic():
            return PartnerRegistration.objects.create(
                **fields,
                status=Status.PROTECTED,
                registered_at=now,
                protected_until=now + datetime.timedelta(days=days),
            )
    except IntegrityError:
        # Another partner's registration of the same number committed first.
        return _rejected(**fields, now=now, reason=REASON_PARTNER)


def registration_link_customer(*, customer: Customer, by=None, phones=None, set_source: bool = False) -> list:
    """Link the live protected registrations of the customer's numbers to it; returns the linked registrations."""
    numbers = list(phones) if phones is not None else list(customer.phones.values_list("number", flat=True))
    if customer.phone and customer.phone not in numbers:
        numbers.append(customer.phone)
    if not numbers:
        return []
    registrations = list(
        PartnerRegistration.objects.filter(
            phone__in=numbers, status=Status.PROTECTED, protected_until__gte=timezone.now(), customer__isnull=True
        )
    )
    for registration in registrations:
        registration.customer = customer
        registration.save(update_fields=["customer"])
        audit.record(
            actor=by, action=AuditEntry.Action.UPDATE, instance=registration, changes={"customer_id": customer.pk}
        )
    if registrations and set_source and customer.source != Customer.Source.AGENT:
        Customer.objects.filter(pk=customer.pk).update(source=Customer.Source.AGENT)
        customer.source = Customer.Source.AGENT
    return registrations


def registrations_expire(*, now: datetime.datetime | None = None) -> int:
    """Mark every protection that has run out as expired; returns how many."""
    now = now or timezone.now()
    return PartnerRegistration.objects.filter(status=Status.PROTECTED, protected_until__lt=now).update(
        status=Status.EXPIRED
    )


# --- commissions ------------------------------------------------------------------------------------------


def commission_rule_for(*, partner: Partner, project: Project | None) -> CommissionRule | None:
    """The most specific active rule: partner and project, then partner, then project, then the default."""
    rules = CommissionRule.objects.filter(active=True).filter(
        Q(partner=partner) | Q(partner__isnull=True), Q(project=project) | Q(project__isnull=True)
    )

    def rank(rule):
        return (rule.partner_id is None, rule.project_id is None, -rule.pk)

    ranked = sorted(rules, key=rank)
    return ranked[0] if ranked else None


def commission_amount(*, price: Decimal, rule: CommissionRule | None) -> Decimal:
    """Rate % of the contract price plus the fixed amount, to the cent (half up); zero without a rule."""
    if rule is None:
        return Decimal("0.00")
    amount = Decimal(price) * Decimal(rule.rate_pct) / Decimal(100) + Decimal(rule.fixed_amount)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def registration_for_deal(deal: Deal) -> PartnerRegistration | None:
    """The partner registration that brought the deal's customer (its project first, the newest first)."""
    phones = CustomerPhone.objects.filter(customer_id=deal.customer_id).values_list("number", flat=True)
    candidates = PartnerRegistration.objects.filter(
        Q(customer_id=deal.customer_id) | Q(customer__isnull=True, phone__in=phones),
        status__in=[Status.PROTECTED, Status.CONVERTED],
    ).select_related("partner")
    ranked = sorted(candidates, key=lambda row: (row.project_id != deal.project_id, -row.registered_at.timestamp()))
    return ranked[0] if ranked else None


def commission_for_deal(*, deal: Deal, by=None) -> Commission | None:
    """Create the pending commission of a contracted deal on a partner's customer (once per deal)."""
    if deal.stage != Deal.Stage.CONTRACT or deal.state != Deal.State.LIVE:
        return None
    existing = Commission.objects.filter(deal=deal).first()
    if existing is not None:
        return existing
    registration = registration_for_deal(deal)
    if registration is None:
        return None
    rule = commission_rule_for(partner=registration.partner, project=deal.project)
    price = deal.price if deal.price is not None else deal.list_price
    try:
        with transaction.atomic():
            commission = Commission.objects.create(
                partner=registration.partner,
                registration=registration,
                deal=deal,
                amount=commission_amount(price=price, rule=rule),
            )
            registration.status = Status.CONVERTED
            registration.customer_id = registration.customer_id or deal.customer_id
            registration.save(update_fields=["status", "customer"])
    except IntegrityError:  # the same deal saved twice at once: the other save created it
        return Commission.objects.filter(deal=deal).first()
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        instance=commission,
        changes={"amount": str(commission.amount), "deal_id": deal.pk, "rule_id": rule.pk if rule else None},
    )
    return commission


COMMISSION_MOVES = {
    Commission.Status.PENDING: (Commission.Status.APPROVED, Commission.Status.VOID),
    Commission.Status.APPROVED: (Commission.Status.PAID, Commission.Status.VOID),
    Commission.Status.PAID: (),
    Commission.Status.VOID: (),
}


@transaction.atomic
def commission_set_status(*, commission: Commission, status: str, by) -> Commission:
    """Approve, pay or void a commission (pending → approved → paid; void before payment)."""
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    if status not in COMMISSION_MOVES.get(commission.status, ()):
        raise ValidationError(
            _("A commission that is %(current)s cannot become %(new)s.")
            % {"current": commission.get_status_display(), "new": dict(Commission.Status.choices).get(status, status)}
        )
    old = commission.status
    commission.status = status
    commission.save(update_fields=["status"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, instance=commission, changes={"status": [old, status]})
    return commission


# --- partners and rules -------------------------------------------------------------------------------------


@transaction.atomic
def partner_save(*, partner: Partner | None = None, by, users=(), **fields) -> Partner:
    """Create or change a partner and the users who log in for it (history records the fields)."""
    partner = partner or Partner()
    for key, value in fields.items():
        setattr(partner, key, value)
    partner._history_user = by
    partner.full_clean()
    partner.save()
    partner.users.set(users)
    return partner


@transaction.atomic
def commission_rule_save(*, rule: CommissionRule | None = None, by, **fields) -> CommissionRule:
    """Create or change a commission rule; two active rules for the same partner and project are refused."""
    rule = rule or CommissionRule()
    created = rule.pk is None
    for key, value in fields.items():
        setattr(rule, key, value)
    rule.full_clean()
    if rule.active:
        clash = CommissionRule.objects.filter(active=True, partner=rule.partner, project=rule.project)
        if rule.pk:
            clash = clash.exclude(pk=rule.pk)
        if clash.exists():
            raise ValidationError(_("An active rule for this partner and project already exists; edit that one."))
    rule.save()
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        instance=rule,
        changes=audit.field_values(rule, rule._meta.concrete_fields),
    )
    return rule
