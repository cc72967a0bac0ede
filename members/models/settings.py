from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberSettings(models.Model):
    """Organisation-wide club rules and earn rules (one row; defaults apply until an admin saves it)."""

    class ReferralReward(models.TextChoices):
        POINTS = "points", _("Points")
        GIFT = "gift", _("A gift (a benefit granted free)")

    auto_join_on_contract = models.BooleanField(_("buyers join when their contract is signed"), default=True)
    points_per_10k = models.PositiveIntegerField(_("points per 10,000 CNY of contract price"), default=10)
    referral_points = models.PositiveIntegerField(_("points for a referral that signs a contract"), default=2000)
    event_points = models.PositiveIntegerField(_("points for attending an event"), default=100)
    survey_points = models.PositiveIntegerField(_("points for answering a survey"), default=50)
    profile_points = models.PositiveIntegerField(_("points for completing the profile"), default=100)
    expiry_months = models.PositiveIntegerField(
        _("points expire after (months)"), default=24, validators=[MinValueValidator(1)]
    )
    point_value = models.DecimalField(
        _("value of one point (CNY)"), max_digits=8, decimal_places=4, default=Decimal("0.01")
    )
    referral_reversal_days = models.PositiveIntegerField(
        _("a referral reward is reversed if the contract is cancelled within (days)"), default=180
    )
    # 老带新 vs 渠道: a protected partner registration wins unless this is turned off.
    partner_precedence = models.BooleanField(
        _("a partner's protected registration takes precedence over a referral reward"), default=True
    )
    referral_reward = models.CharField(
        _("a successful referral is rewarded with"),
        max_length=6,
        choices=ReferralReward.choices,
        default=ReferralReward.POINTS,
    )
    referral_gift = models.ForeignKey(
        "members.Benefit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the referral gift"),
    )
    # One card for a household: the family's memberships carry the card holder's card number.
    household_card = models.BooleanField(_("family members of one household share one card"), default=False)
    dormant_days = models.PositiveIntegerField(_("a member is dormant after (days) without activity"), default=180)

    class Meta:
        verbose_name = _("member settings")
        verbose_name_plural = _("member settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "MemberSettings":
        return cls.objects.first() or cls()
