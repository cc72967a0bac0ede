from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm_site.models.labels import CachedChoiceLabels
from crm_site.querysets import ScopedQuerySet
from crm_site.validators import TEXT_MAX_LENGTH, not_in_future
from customers.pinyin import name_pinyin


class CustomerQuerySet(ScopedQuerySet):
    scope_owner_field = "owner"
    scope_project_field = "project"

    def visible_to(self, user):
        """Scoped rows, plus files shared with the user (co-owner) and, for managers, their teams' pool.

        The extra sets are resolved to id lists first: an OR with a subquery would stop PostgreSQL
        from using the owner index on a million rows.
        """
        from crm_site.scope import reach, related_q, scope_q

        covered = reach(user)
        if covered.everything:
            return self.all()
        q = scope_q(user, owner_field="owner", project_field="project")
        if user.is_authenticated:
            shared = list(
                apps.get_model("customers", "CustomerShare")
                .objects.filter(user=user)
                .values_list("customer_id", flat=True)
            )
            if shared:
                q |= models.Q(pk__in=shared)
        if covered.team_ids:
            q |= models.Q(owner__isnull=True, team_id__in=sorted(covered.team_ids))
        related = related_q(user, "customers.Customer")
        if related is not None:
            q |= related
        return self.filter(q)

    def in_pool(self):
        return self.filter(owner__isnull=True)


class Customer(CachedChoiceLabels, models.Model):
    """A customer file: a person, a household or a company, owned by the rep who first received it."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        FAMILY = "family", _("Family")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web inquiry")
        REFERRAL = "referral", _("Referral")
        EXHIBITION = "exhibition", _("Exhibition")
        AGENT = "agent", _("Agent")
        CAMPAIGN = "campaign", _("Campaign")

    class Level(models.TextChoices):
        A = "A", _("A – hot")
        B = "B", _("B – warm")
        C = "C", _("C – cool")
        D = "D", _("D – cold")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        INTENDING = "intending", _("Intending")
        BUYER = "buyer", _("Buyer")
        OWNER = "owner", pgettext_lazy("customer status", "Owner")
        LOST = "lost", _("Lost")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Answer(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        YES = "yes", _("Yes")
        NO = "no", _("No")

    class IncomeBand(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        LOW = "low", _("Under 100k / year")
        MIDDLE = "middle", _("100k–300k / year")
        HIGH = "high", _("300k–1m / year")
        TOP = "top", _("Over 1m / year")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    # Set from the name on every write (customers.pinyin): "刘伟" → "liuwei lw", for pinyin search.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=255, blank=True, default="", editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    birth_date = models.DateField(_("birth date"), null=True, blank=True, validators=[not_in_future])
    district = models.CharField(_("home district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    work_district = models.CharField(_("work district"), max_length=50, blank=True)
    work_address = models.CharField(_("work address"), max_length=200, blank=True)
    income_band = models.CharField(_("income"), max_length=10, choices=IncomeBand.choices, blank=True, default="")
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    source = models.CharField(_("source channel"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    level = models.CharField(
        _("interest level"),
        max_length=1,
        choices=Level.choices,
        default=Level.C,
        help_text=_(
            "How warm the customer is, set by the rep: A hot … D cold. It decides how often to visit and how long the file stays protected."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT)
    risk_level = models.CharField(_("risk level"), max_length=6, choices=Risk.choices, default=Risk.LOW)
    hobbies = models.CharField(_("hobbies and habits"), max_length=300, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Prospect qualification: can they pay, do they need it, may they decide, does it suit them.
    purchasing_power = models.CharField(
        _("purchasing power"), max_length=3, choices=Answer.choices, blank=True, default=""
    )
    real_need = models.CharField(_("real need"), max_length=3, choices=Answer.choices, blank=True, default="")
    decision_authority = models.CharField(
        _("decision authority"), max_length=3, choices=Answer.choices, blank=True, default=""
    )
    suitability = models.CharField(_("suitability"), max_length=3, choices=Answer.choices, blank=True, default="")
    referrer = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    key_account = models.BooleanField(_("key account"), default=False)
    key_account_reason = models.CharField(_("key account reason"), max_length=300, blank=True)
    marketing_consent = models.BooleanField(_("consents to marketing"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    # Empty while the file sits in the team's public pool (公海).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("customer field", "owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    team = models.ForeignKey(
        "crm_site.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "sales.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # The last activity that renews the owner's protection without being a logged contact (a stage move, a
    # reservation, a contract, a payment): written by customers_touch, read by the pool rules (customers.pool).
    touched_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)
    # Derived (the name's pinyin) or a cache written with update() (touched_at): not changes of their own.
    history = HistoricalRecords(excluded_fields=["name_pinyin", "touched_at"])

    objects = CustomerQuerySet.as_manager()

    # Masked unless the viewer may see them (crm_site.masking); every unmasked view is logged.
    sensitive_fields = ("phone", "id_number", "income_band")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("manage_ownership", _("Can resolve conflicts, hand over, merge and assign key accounts")),
            ("import_customer", _("Can import customers")),
            ("export_customer", _("Can export customers")),
            ("assign_inquiry", _("Can assign web inquiries")),
            ("assess_visit", _("Can assess visits")),
        ]
        constraints = [
            # Phones are unique in CustomerPhone (every number of every file); the ID number here.
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="customer_unique_id_number"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="customer_owner_created_idx"),
            models.Index(fields=["owner", "-last_contact_at"], name="customer_owner_contact_idx"),
            models.Index(fields=["-created_at", "-id"], name="customer_created_idx"),
            models.Index(fields=["project", "-created_at"], name="customer_project_created_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            # A one-character search (a surname: "赵") is a prefix match; LIKE '赵%' needs the pattern operators
            # on PostgreSQL (the database's C.UTF-8 collation is not "C" to the planner). Ignored elsewhere.
            models.Index(fields=["name"], name="customer_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(fields=["team", "owner"], name="customer_team_owner_idx"),
            models.Index(fields=["owner", "level", "status"], name="customer_owner_level_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Writers that skip save() (bulk_create, COPY in imports and bench data) set name_pinyin themselves.
        self.name_pinyin = name_pinyin(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("customers:customer-detail", args=[self.pk])

    @property
    def qualification(self) -> list[tuple[str, str]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, f"get_{name}_display")())
            for name in ("purchasing_power", "real_need", "decision_authority", "suitability")
        ]

    @property
    def prospect_level(self) -> str:
        """Derived from the four qualification answers (MAN(S) rule): A all yes … D any no."""
        answers = [self.purchasing_power, self.real_need, self.decision_authority, self.suitability]
        if "no" in answers:
            return "D"
        yes = answers.count("yes")
        return "A" if yes == 4 else "B" if yes >= 2 else "C"
