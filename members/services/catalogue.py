"""The club's configuration written from its staff pages: tiers, the benefits catalogue, earn rules and settings.

Every save is validated by the model (full_clean) and audited with what changed, old and new."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm_site import audit
from crm_site.models import AuditEntry
from members.models import Benefit, MemberSettings, Tier

TIER_FIELDS = (
    "name",
    "name_zh",
    "rank",
    "benefits",
    "benefits_zh",
    "points_threshold",
    "units_threshold",
    "discount_pct",
)
BENEFIT_FIELDS = (
    "name",
    "name_zh",
    "kind",
    "description",
    "points_price",
    "min_tier",
    "stock",
    "valid_from",
    "valid_to",
    "active",
)
EARN_RULE_FIELDS = (
    "points_per_10k",
    "referral_points",
    "event_points",
    "survey_points",
    "profile_points",
    "referral_reward",
    "referral_gift",
)
SETTINGS_FIELDS = (
    "auto_join_on_contract",
    "expiry_months",
    "point_value",
    "dormant_days",
    "household_card",
    "referral_reversal_days",
    "partner_precedence",
)


def _save(instance, fields: dict, allowed: tuple, by):
    """Apply `fields`, validate the row, save it and audit the differences; returns the instance."""
    created = instance.pk is None
    if not created:  # the stored row, locked: a bound form may have changed the instance it was given
        instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    changes = {}
    for name in allowed:
        if name not in fields:
            continue
        old, new = getattr(instance, name), fields[name]
        if created or old != new:
            new_value = getattr(new, "pk", new)
            changes[name] = (
                audit.jsonable(new_value)
                if created
                else [audit.jsonable(getattr(old, "pk", old)), audit.jsonable(new_value)]
            )
        setattr(instance, name, new)
    instance.full_clean()
    if changes or created:
        instance.save()
        action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
        audit.record(actor=by, action=action, instance=instance, changes=changes)
    return instance


def _names(fields: dict) -> None:
    for name in ("name", "name_zh"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if not fields[name]:
                raise ValidationError({name: _("Give the name in both languages.")})


@transaction.atomic
def tier_save(*, tier: Tier | None = None, by, **fields) -> Tier:
    """Create or change a tier; its order is unique and a threshold, when given, is above zero."""
    _names(fields)
    rank = fields.get("rank")
    if rank is not None and Tier.objects.exclude(pk=getattr(tier, "pk", None)).filter(rank=rank).exists():
        raise ValidationError({"rank": _("Another tier has this place in the order.")})
    for name in ("points_threshold", "units_threshold"):
        if fields.get(name) == 0:
            raise ValidationError({name: _("Leave it empty, or give a threshold above zero.")})
    return _save(tier or Tier(), fields, TIER_FIELDS, by)


@transaction.atomic
def benefit_save(*, benefit: Benefit | None = None, by, **fields) -> Benefit:
    """Create or change a benefit of the catalogue: a points price or a tier requirement, stock and validity."""
    _names(fields)
    start, end = fields.get("valid_from"), fields.get("valid_to")
    if start and end and end < start:
        raise ValidationError({"valid_to": _("The validity cannot end before it starts.")})
    if not fields.get("points_price") and not fields.get("min_tier"):
        raise ValidationError({"points_price": _("Give a points price, a tier requirement, or both.")})
    return _save(benefit or Benefit(), fields, BENEFIT_FIELDS, by)


@transaction.atomic
def member_settings_save(*, by, **fields) -> MemberSettings:
    """Save the club's earn rules and settings (the one MemberSettings row)."""
    current = MemberSettings.objects.select_for_update().first() or MemberSettings()
    reward = fields.get("referral_reward", current.referral_reward)
    gift = fields.get("referral_gift", current.referral_gift)
    if reward == MemberSettings.ReferralReward.GIFT and gift is None:
        raise ValidationError({"referral_gift": _("Choose the benefit given as the referral gift.")})
    return _save(current, fields, EARN_RULE_FIELDS + SETTINGS_FIELDS, by)
