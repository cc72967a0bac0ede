from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.querysets import ScopedQuerySet


class StaffQuerySet(ScopedQuerySet):
    scope_owner_field = "user"


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        from crm_site.scope import team_q

        return self.filter(team_q(user))


class Team(models.Model):
    """A department or a team; both form one tree, each node with a manager."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="team_unique_name_per_parent")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("staff:team-detail", args=[self.pk])


class StaffProfile(models.Model):
    """What the CRM knows about a staff user beyond Django's User: team, projects, data scope, language."""

    class Scope(models.TextChoices):
        OWN = "own", _("Own records")
        SUBORDINATES = "subordinates", _("Own and subordinates' records")
        DEPARTMENT = "department", _("Own department")
        DEPARTMENT_TREE = "department_tree", _("Department and sub-departments")
        PROJECTS = "projects", _("Assigned projects")
        SERVED_PROJECTS = "served_projects", _("Projects the department serves")
        ALL = "all", _("All records")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    projects = models.ManyToManyField("sales.Project", verbose_name=_("projects"), blank=True, related_name="staff")
    scope = models.CharField(_("data scope"), max_length=20, choices=Scope.choices, default=Scope.OWN)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("work phone"), max_length=32, blank=True)
    # Blank: the site's language (LANGUAGE_CODE). Read through crm_site.languages.staff_language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the CRM and of what is sent to this person; empty: the site's language."),
    )
    history = HistoricalRecords(excluded_fields=["user"])

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        permissions = [
            ("view_sensitive", _("Can view sensitive customer fields unmasked")),
            ("view_audit", _("Can view the audit and access logs")),
            ("manage_settings", _("Can manage CRM settings (custom fields, choice lists)")),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def get_absolute_url(self):
        return reverse("staff:staff-detail", args=[self.user_id])

    @property
    def role_names(self) -> list[str]:
        return [group.name for group in self.user.groups.all()]
