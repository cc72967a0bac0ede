"""Nightly customer scores: one dated snapshot row per customer and night (history kept, so every score has
a trend). Written by the `scores` job with COPY (PostgreSQL) or chunked bulk_create, never row by row.

The definitions are in analytics/scoring.py and docs/analytics.md.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.querysets import ScopedQuerySet

MONEY = {"max_digits": 16, "decimal_places": 2}


class CustomerScoreQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"

    def visible_to(self, user):
        """The scores of the files the user may see: by owner and project (scope.py), plus the pool of the
        teams a manager reaches (as customers do)."""
        from crm_site.scope import reach, scope_q

        covered = reach(user)
        if covered.everything:
            return self.all()
        q = scope_q(user, owner_field="owner", project_field="project")
        if covered.team_ids:
            q |= models.Q(owner__isnull=True, team_id__in=sorted(covered.team_ids))
        return self.filter(q)

    def latest(self):
        """The newest night's snapshot (empty when no run finished yet)."""
        night = latest_night()
        return self.filter(night=night) if night else self.none()


def latest_night():
    JobRun = apps.get_model("analytics", "JobRun")
    run = (
        JobRun.objects.filter(name="scores", status=JobRun.Status.SUCCEEDED)
        .order_by("-night", "-started_at")
        .values_list("night", flat=True)
        .first()
    )
    return run


class CustomerScore(models.Model):
    """One customer's scores on one night, with the facts and the reasons behind them."""

    class Quadrant(models.TextChoices):
        STAR = "star", _("Star")
        TROUBLESOME = "troublesome", _("Troublesome")
        CHICKEN_RIB = "chicken_rib", _("Chicken rib")
        DOG = "dog", _("Dog")

    class Segment(models.TextChoices):
        KEY = "key", _("Key: grow")
        KEEP = "keep", _("Keep: retain")
        DEVELOP = "develop", _("Develop: nurture")
        BASIC = "basic", _("Basic: maintain")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class ProfitClass(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    night = models.DateField(_("night"))
    # No single-column index on customer, owner or team: (customer, night) and (night, owner) below serve every read
    # (a manager's pool, owner null and team in theirs, through the latter), and each index is written a million
    # times a night.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="scores", db_constraint=False, db_index=False
    )
    # Denormalised from the customer on that night: dashboards are scoped and grouped without joins.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    team = models.ForeignKey(
        "crm_site.Team", on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False, db_index=False
    )
    # No index of its own: every read of a project's scores names the night too (the night's indexes lead with it),
    # and each index costs the nightly COPY of a million rows.
    project = models.ForeignKey(
        "sales.Project",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, blank=True)
    # Profit (000)
    contracts = models.PositiveIntegerField(_("contracts"), default=0)
    gross_profit = models.DecimalField(_("total profit"), **MONEY, default=0)
    service_cost = models.DecimalField(_("service cost"), **MONEY, default=0)
    rewards_cost = models.DecimalField(_("member rewards"), **MONEY, default=0)
    campaign_cost = models.DecimalField(_("campaign cost"), **MONEY, default=0)
    net_profit = models.DecimalField(_("net profit"), **MONEY, default=0)
    # Value matrix (003)
    demand = models.PositiveIntegerField(_("how demanding"), default=0)
    quadrant = models.CharField(_("value quadrant"), max_length=12, choices=Quadrant.choices, blank=True)
    # Segmentation matrix and lifetime value (002)
    current_value = models.DecimalField(_("current value"), **MONEY, default=0)
    potential_value = models.DecimalField(_("potential value"), **MONEY, default=0)
    incremental_value = models.DecimalField(_("incremental value"), **MONEY, default=0)
    lifetime_value = models.DecimalField(_("lifetime value"), **MONEY, default=0)
    segment = models.CharField(_("segment"), max_length=8, choices=Segment.choices, blank=True)
    # Loyalty (000): degree, persistence, variability
    loyalty = models.DecimalField(_("loyalty"), max_digits=6, decimal_places=2, default=0)
    loyalty_factors = models.JSONField(_("loyalty factors"), default=dict, blank=True)
    loyalty_nights = models.PositiveIntegerField(_("loyalty held for (snapshots)"), default=1)
    loyalty_slope = models.DecimalField(_("loyalty trend per snapshot"), max_digits=8, decimal_places=3, default=0)
    # Risk level (000)
    risk = models.CharField(_("risk level"), max_length=6, choices=Risk.choices, default=Risk.LOW)
    risk_reasons = models.JSONField(_("risk reasons"), default=dict, blank=True)
    # Churn (004): probability from the decision tree and the path through it; null without a model.
    churn = models.DecimalField(_("churn risk"), max_digits=5, decimal_places=3, null=True, blank=True)
    churn_reasons = models.JSONField(_("churn reasons"), default=list, blank=True)
    # Profitability class (004, analytics/profit_class.py): an owner's actual net-profit tercile of the night, or a
    # prospect's class predicted by the tree with the path through it; blank without a tree.
    profit_class = models.CharField(_("profit class"), max_length=6, choices=ProfitClass.choices, blank=True)
    # A prospect's leaf in the night's tree (JobRun.figures["profit_class"]["tree"]): its path is the reason, read
    # from the tree (analytics.profit_class.path_of) rather than stored a million times a night.
    profit_class_leaf = models.PositiveSmallIntegerField(_("profit class leaf"), null=True, blank=True)

    objects = CustomerScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        permissions = [
            ("view_company_dashboard", _("Can see the company dashboard")),
            ("view_team_dashboard", _("Can see the team dashboard")),
            ("view_marketing_dashboard", _("Can see the marketing dashboard")),
        ]
        # On PostgreSQL the table is partitioned by night (migration 0009, analytics.partitions): inside a night,
        # (customer, night) is the customer's row, and read backwards across the nights it is their history.
        constraints = [models.UniqueConstraint(fields=["customer", "night"], name="score_one_per_night")]
        indexes = [
            models.Index(fields=["night", "owner"], name="score_night_owner_idx"),
            # The owners of a night (a contract: the value matrix's population, about 7 % of the files), by
            # quadrant: the job's medians and quadrant update, the value-matrix reads and the quadrant filter find
            # them without reading the whole night. Only owners have a quadrant, so the index holds no other row
            # (every read of a quadrant says contracts > 0), and the night's COPY writes it for 7 % of its rows.
            models.Index(
                fields=["night", "quadrant", "project"],
                condition=models.Q(contracts__gt=0),
                name="score_night_owner_quadrant_idx",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} @ {self.night}"
