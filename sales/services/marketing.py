"""Writes of competitors, competitor moves, campaigns and campaign attribution, and the sales settings."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from customers.models import Customer
from sales.models import Campaign, CampaignLead, Competitor, CompetitorMove, Opportunity, SalesSettings

SETTINGS_FIELDS = ("discount_limit_pct", "reservation_days", "partner_protection_days", "promise_warn_days")


def _apply(instance, fields: dict, by):
    for key, value in fields.items():
        setattr(instance, key, value)
    instance._history_user = by
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def competitor_save(*, competitor: Competitor | None = None, by, **fields) -> Competitor:
    """Create or change a competitor (history records who changed what)."""
    return _apply(competitor or Competitor(), fields, by)


@transaction.atomic
def competitor_move_create(
    *,
    customer: Customer,
    competitor: Competitor,
    direction: str,
    by,
    opportunity: Opportunity | None = None,
    note: str = "",
) -> CompetitorMove:
    """Record that `customer` came from (in) or went to (out) `competitor`."""
    if direction not in CompetitorMove.Direction.values:
        raise ValidationError({"direction": _("Choose whether the customer came from or went to the competitor.")})
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ValidationError({"opportunity": _("This opportunity belongs to another customer.")})
    move = CompetitorMove.objects.create(
        customer=customer, competitor=competitor, direction=direction, opportunity=opportunity, note=note[:300], by=by
    )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        instance=move,
        changes={"customer_id": customer.pk, "competitor_id": competitor.pk, "direction": direction},
    )
    return move


@transaction.atomic
def campaign_save(*, campaign: Campaign | None = None, by, **fields) -> Campaign:
    """Create or change a campaign; the period must not end before it starts and money is never negative."""
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    for name in ("budget", "actual_cost"):
        if fields.get(name) is not None and fields[name] < 0:
            raise ValidationError({name: _("Enter an amount of zero or more.")})
    return _apply(campaign or Campaign(), fields, by)


def campaign_lead_add(*, campaign: Campaign, customer: Customer, by) -> CampaignLead:
    """Attribute `customer` to the campaign that brought them; the first attribution stands."""
    existing = CampaignLead.objects.select_related("campaign").filter(customer=customer).first()
    if existing is None:
        try:
            with transaction.atomic():
                lead = CampaignLead.objects.create(campaign=campaign, customer=customer, by=by)
                audit.record(
                    actor=by,
                    action=AuditEntry.Action.CREATE,
                    instance=lead,
                    changes={"campaign_id": campaign.pk, "customer_id": customer.pk},
                )
                return lead
        except IntegrityError:  # attributed by someone else a moment ago
            existing = CampaignLead.objects.select_related("campaign").get(customer=customer)
    if existing.campaign_id == campaign.pk:
        raise ValidationError(_("This customer is already attributed to this campaign."))
    raise ValidationError(
        _("This customer is already attributed to “%(campaign)s”: the first campaign that brought them counts.")
        % {"campaign": existing.campaign.name}
    )


@transaction.atomic
def sales_settings_save(*, by, **values) -> SalesSettings:
    """Save the organisation's sales rules (the one SalesSettings row); every change is audited."""
    current = SalesSettings.objects.select_for_update().first() or SalesSettings()
    created = current.pk is None
    changes = {}
    for field in SETTINGS_FIELDS:
        if field not in values:
            continue
        old, new = getattr(current, field), values[field]
        if created or old != new:
            changes[field] = audit.jsonable(new) if created else [audit.jsonable(old), audit.jsonable(new)]
        setattr(current, field, new)
    current.full_clean()
    if changes:
        current.save()
        action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
        audit.record(actor=by, action=action, instance=current, changes=changes)
    return current
