"""Satisfaction surveys built by admins: questions (rating 1–5, NPS 0–10, single or multiple choice, text), sent to
a segment by an e-mailed link with a one-time token; one answer per customer and survey."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.validators import TEXT_MAX_LENGTH


class Survey(models.Model):
    class Segment(models.TextChoices):
        BUYERS = "buyers", _("Buyers of a project")
        RESOLVED = "resolved", _("Customers whose ticket was resolved")
        PROSPECTS = "prospects", _("Prospects (market research)")

    title_en = models.CharField(_("title (English)"), max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    segment = models.CharField(_("sent to"), max_length=10, choices=Segment.choices, default=Segment.BUYERS)
    project = models.ForeignKey(
        "sales.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title_en


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        NPS = "nps", _("NPS 0–10")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_zh = models.CharField(_("question (Chinese)"), max_length=300, blank=True)
    choices = models.CharField(
        _("choices"), max_length=500, blank=True, help_text=_("One per line or comma-separated.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text_en

    def choice_list(self) -> list[str]:
        return [part.strip() for part in self.choices.replace("\n", ",").split(",") if part.strip()]


class SurveyInvite(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invites")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="survey_invites")
    token = models.CharField(max_length=64, unique=True)
    project = models.ForeignKey("sales.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    ticket = models.ForeignKey("service.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "customer"], name="survey_one_per_customer")]

    def __str__(self):
        return f"{self.survey_id} → {self.customer_id}"


class SurveyAnswer(models.Model):
    invite = models.ForeignKey(SurveyInvite, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["invite", "question"], name="survey_answer_unique")]

    def __str__(self):
        return f"{self.question_id}: {self.number if self.number is not None else self.text[:20]}"
