from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members import reasons


class LedgerEntry(models.Model):
    """One movement of a member's points; never changed or deleted (a correction is a new entry).

    Credits (earn, a positive adjust) carry the date they expire; debits (spend, expire, reverse, a negative
    adjust) draw first in first out from the credits that expire first. `key` makes an award or an API call
    idempotent: an award's key names its rule, source and beneficiary, so it is granted at most once.
    """

    class Kind(models.TextChoices):
        EARN = "earn", _("Earn")
        SPEND = "spend", _("Spend")
        EXPIRE = "expire", _("Expire")
        ADJUST = "adjust", _("Adjust")
        REVERSE = "reverse", _("Reverse")

    class Rule(models.TextChoices):
        NONE = "", _("None")
        CONTRACT = "contract", _("Contract signed")
        REFERRAL = "referral", _("Successful referral")
        EVENT = "event", _("Event attended")
        SURVEY = "survey", _("Survey answered")
        PROFILE = "profile", _("Profile completed")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.IntegerField(_("points"))  # signed: credits positive, debits negative
    rule = models.CharField(_("earn rule"), max_length=10, choices=Rule.choices, blank=True, default="")
    # A system reason is `reason_code` with raw `reason_params` (members.reasons), read in the viewer's language;
    # `reason` keeps text a person typed, and for a system reason its English text (for readers that know no codes).
    reason = models.CharField(_("reason"), max_length=200)
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True, default="")
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    source_type = models.CharField(_("source"), max_length=30, blank=True)  # "sales.deal", "members.referral" ...
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=120, blank=True, default="")
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""), name="ledger_unique_key"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                # A reverse undoes an earlier entry: negative for an award taken back, positive for points
                # returned (a cancelled redemption).
                condition=models.Q(kind__in=["earn"], amount__gt=0)
                | models.Q(kind__in=["spend", "expire"], amount__lt=0)
                | models.Q(kind__in=["adjust", "reverse"]),
                name="ledger_sign_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="ledger_member_created_idx"),
            models.Index(fields=["member", "expires_on"], name="ledger_member_expires_idx"),
            models.Index(fields=["source_type", "source_id"], name="ledger_source_idx"),
        ]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.amount}"

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    @property
    def reason_text(self) -> str:
        """The reason in the active language: a system reason rendered from its code, else the text as written."""
        if self.reason_code:
            text = reasons.render(self.reason_code, self.reason_params or {})
            if text is not None:
                return text
        return self.reason
