"""The funnel: opportunities and their stage history, lost reasons, competitors and campaigns."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.models.labels import CachedChoiceLabels
from crm_site.querysets import ScopedQuerySet
from crm_site.validators import TEXT_MAX_LENGTH
from sales.models.inventory import MONEY, Project, Unit


class Competitor(models.Model):
    """A competing project customers come from or go to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    developer = models.CharField(_("developer"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    price_per_m2 = models.DecimalField(_("price per m²"), **MONEY, null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    """Advertising, an exhibition, an event or an online channel, with budget and actual cost."""

    class Kind(models.TextChoices):
        ADVERTISING = "advertising", _("Advertising")
        EXHIBITION = "exhibition", _("Exhibition")
        EVENT = "event", _("Event")
        ONLINE = "online", _("Online channel")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ADVERTISING)
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name=_("project")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    budget = models.DecimalField(_("budget"), **MONEY, default=0)
    actual_cost = models.DecimalField(_("actual cost"), **MONEY, default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sales:campaign-detail", args=[self.pk])


class CampaignLead(models.Model):
    """The campaign that brought a customer (one per customer: the first touch wins)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="leads")
    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="campaign_lead")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("campaign lead")
        verbose_name_plural = _("campaign leads")

    def __str__(self):
        return f"{self.campaign} → {self.customer_id}"


class OpportunityQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"

    def open(self):
        return self.exclude(stage__in=Opportunity.CLOSED_STAGES)


class Opportunity(CachedChoiceLabels, models.Model):
    """A customer's possible purchase in a project, moving lead → won or lost."""

    class Stage(models.TextChoices):
        LEAD = "lead", _("Lead")
        VISITED = "visited", _("Visited")
        INTENDING = "intending", _("Intending")
        RESERVATION = "reservation", _("Reservation")
        SUBSCRIPTION = "subscription", _("Subscription")
        CONTRACT = "contract", _("Contract")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    ORDER = [Stage.LEAD, Stage.VISITED, Stage.INTENDING, Stage.RESERVATION, Stage.SUBSCRIPTION, Stage.CONTRACT]
    CLOSED_STAGES = (Stage.WON, Stage.LOST)
    # These stages are reached through a deal on a unit, never by moving the card.
    DEAL_STAGES = (Stage.RESERVATION, Stage.SUBSCRIPTION, Stage.CONTRACT)

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("customer")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("project")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("owner")
    )
    # The owner's team when the card was last assigned: the team kanban reads one index.
    team = models.ForeignKey(
        "crm_site.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD)
    stage_changed_at = models.DateTimeField(_("in stage since"))
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="opportunities", verbose_name=_("unit")
    )
    expected_amount = models.DecimalField(_("expected amount"), **MONEY, null=True, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("campaign"),
    )
    lost_reason = models.ForeignKey(
        "crm_site.ChoiceOption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"list_name": "lost_reason"},
        verbose_name=_("lost reason"),
    )
    lost_to = models.ForeignKey(
        Competitor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="won_from_us",
        verbose_name=_("lost to competitor"),
    )
    lost_note = models.CharField(_("lost note"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-stage_changed_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "stage", "-stage_changed_at"], name="opp_owner_stage_idx"),
            # The funnel report counts, by stage, the opportunities in a stage since before its period.
            models.Index(fields=["stage", "stage_changed_at"], name="opp_stage_changed_idx"),
            models.Index(fields=["team", "stage", "-stage_changed_at"], name="opp_team_stage_idx"),
            models.Index(fields=["project", "stage"], name="opp_project_stage_idx"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.project}"

    def get_absolute_url(self):
        return reverse("sales:opportunity-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage not in self.CLOSED_STAGES

    def next_stages(self) -> list[str]:
        """Stages a rep may move this card to by hand (deal stages come from reservations and contracts)."""
        if not self.is_open:
            return []
        manual = [self.Stage.LEAD, self.Stage.VISITED, self.Stage.INTENDING]
        forward = [stage for stage in manual if stage != self.stage]
        if self.stage == self.Stage.CONTRACT:
            forward = [self.Stage.WON]
        return [*forward, self.Stage.LOST]


class StageChange(models.Model):
    """A dated fact: an opportunity entered a stage. Conversion and time-in-stage are computed from these."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=12, choices=Opportunity.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Opportunity.Stage.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["to_stage", "at"], name="stagechange_stage_at_idx"),
            # The funnel report reads every change of a period, whatever the stage.
            models.Index(fields=["at"], name="stagechange_at_idx"),
        ]

    def __str__(self):
        return f"{self.opportunity_id}: {self.from_stage} → {self.to_stage}"


class CompetitorMove(models.Model):
    """A customer who came from a competitor (inflow) or went to one (outflow)."""

    class Direction(models.TextChoices):
        IN = "in", _("Came from")
        OUT = "out", _("Lost to")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="competitor_moves")
    competitor = models.ForeignKey(Competitor, on_delete=models.PROTECT, related_name="moves")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("competitor move")
        verbose_name_plural = _("competitor moves")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.customer_id} {self.direction} {self.competitor}"
