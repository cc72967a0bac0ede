"""Writes of the funnel: opportunities and their stage changes (every change is a dated StageChange row)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import events
from crm_site.models import ChoiceOption
from crm_site.scope import staff_profile
from customers.models import Customer
from customers.services import customers_touch
from sales.models import Campaign, CampaignLead, Competitor, CompetitorMove, Opportunity, StageChange

Stage = Opportunity.Stage


class DuplicateOpportunity(ValidationError):
    """The customer already has an open opportunity in this project; `existing` is that one."""

    def __init__(self, existing: Opportunity):
        super().__init__(
            _("This customer already has an open opportunity in %(project)s (#%(pk)d).")
            % {"project": existing.project, "pk": existing.pk},
            code="duplicate",
        )
        self.existing = existing


def stage_enter(*, opportunity: Opportunity, to_stage: str, by, note: str = "", at=None) -> StageChange | None:
    """Move `opportunity` into `to_stage` now (no rule checks: callers decide) and record the change.

    Sets stage, stage_changed_at and closed_at (won/lost) and writes one StageChange; a no-op for the same stage.
    A stage move is activity on the customer: it renews the owner's protection from the public pool.
    """
    if opportunity.stage == to_stage:
        return None
    at = at or timezone.now()
    change = StageChange.objects.create(
        opportunity=opportunity, from_stage=opportunity.stage, to_stage=to_stage, at=at, by=by, note=note[:300]
    )
    opportunity.stage = to_stage
    opportunity.stage_changed_at = at
    opportunity.closed_at = at if to_stage in Opportunity.CLOSED_STAGES else None
    opportunity.save(update_fields=["stage", "stage_changed_at", "closed_at"])
    customers_touch(customer_ids=[opportunity.customer_id], at=at)
    events.emit(
        "opportunity.stage_changed", {"opportunity_id": opportunity.pk, "from": change.from_stage, "to": to_stage}
    )
    return change


@transaction.atomic
def opportunity_create(
    *,
    customer: Customer,
    project,
    by,
    owner=None,
    campaign: Campaign | None = None,
    expected_amount=None,
    note: str = "",
    custom: dict | None = None,
) -> Opportunity:
    """Open an opportunity for a customer the user can see; one open opportunity per (customer, project)."""
    if not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("You cannot see this customer.")})
    # Lock the customer row: two clicks on "create" at once must not open two cards.
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    existing = Opportunity.objects.open().filter(customer=customer, project=project).first()
    if existing is not None:
        raise DuplicateOpportunity(existing)
    owner = owner or customer.owner or by
    profile = staff_profile(owner)
    if campaign is None:
        lead = CampaignLead.objects.filter(customer=customer).select_related("campaign").first()
        campaign = lead.campaign if lead else None
    if expected_amount is not None and expected_amount < 0:
        raise ValidationError({"expected_amount": _("The amount cannot be negative.")})
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        customer=customer,
        project=project,
        owner=owner,
        team=profile.team if profile else None,
        campaign=campaign,
        expected_amount=expected_amount,
        note=note,
        stage=Stage.LEAD,
        stage_changed_at=now,
        custom=custom or {},
    )
    StageChange.objects.create(opportunity=opportunity, from_stage="", to_stage=Stage.LEAD, at=now, by=by)
    return opportunity


def leads_visited(*, customer: Customer, at, by, note: str = "") -> list[StageChange]:
    """A visit with the customer was logged: each of their opportunities still at "lead" moves to "visited"
    (never back, never past a later stage). Returns the stage changes written."""
    changes = []
    leads = Opportunity.objects.select_for_update().filter(customer=customer, stage=Stage.LEAD).order_by("pk")
    for opportunity in leads:
        # A visit logged after the fact must not date the move before the card's previous change.
        when = max(at, opportunity.stage_changed_at)
        changes.append(stage_enter(opportunity=opportunity, to_stage=Stage.VISITED, by=by, note=note, at=when))
    return changes


def manual_stages(opportunity: Opportunity) -> list[str]:
    """The stages a card may be moved to by hand now (not lost: losing needs a reason)."""
    if opportunity.deals.filter(state="live").exists() and opportunity.stage != Stage.CONTRACT:
        return []
    return [stage for stage in opportunity.next_stages() if stage != Stage.LOST]


@transaction.atomic
def opportunity_move(*, opportunity: Opportunity, to_stage: str, by, note: str = "") -> Opportunity:
    """Move a card by hand to one of `Opportunity.next_stages()` (lost goes through opportunity_lose)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if to_stage == Stage.LOST:
        raise ValidationError(_("Use “Mark as lost” to give a reason."))
    if to_stage in Opportunity.DEAL_STAGES:
        raise ValidationError(_("Reservation, subscription and contract are reached through a deal on a unit."))
    if to_stage not in opportunity.next_stages():
        raise ValidationError(
            _("An opportunity in stage “%(stage)s” cannot move to “%(to)s”.")
            % {"stage": opportunity.get_stage_display(), "to": dict(Stage.choices).get(to_stage, to_stage)}
        )
    if to_stage not in manual_stages(opportunity):
        raise ValidationError(_("This opportunity has a live deal: cancel the deal to move the card back."))
    stage_enter(opportunity=opportunity, to_stage=to_stage, by=by, note=note)
    return opportunity


@transaction.atomic
def opportunity_lose(
    *, opportunity: Opportunity, reason: ChoiceOption, by, competitor: Competitor | None = None, note: str = ""
) -> Opportunity:
    """Close the card as lost with a reason (and the competitor the customer went to: a CompetitorMove out)."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not opportunity.is_open:
        raise ValidationError(_("This opportunity is already closed."))
    if reason is None or reason.list_name != ChoiceOption.ListName.LOST_REASON:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    if opportunity.deals.filter(state="live").exists():
        raise ValidationError(_("This opportunity has a live deal on a unit: cancel the deal first."))
    opportunity.lost_reason = reason
    opportunity.lost_to = competitor
    opportunity.lost_note = note[:300]
    opportunity.save(update_fields=["lost_reason", "lost_to", "lost_note"])
    stage_enter(opportunity=opportunity, to_stage=Stage.LOST, by=by, note=note or reason.label)
    if competitor is not None:
        CompetitorMove.objects.create(
            customer_id=opportunity.customer_id,
            competitor=competitor,
            direction=CompetitorMove.Direction.OUT,
            opportunity=opportunity,
            note=note[:300],
            by=by,
        )
    return opportunity


def require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))
