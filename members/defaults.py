"""The tiers a club starts with (an admin renames or re-thresholds them): the entry tier, then by points or units.

Written by migration 0002 and again by the demo seed when a database has none (a test database flushed between
browser tests loses what migrations wrote). Imports no model: callers pass the Tier class they hold.
"""

TIERS = [
    # rank, English, Chinese, 12-month points, contracted units, benefits
    (10, "Silver", "银卡", None, None, "Member events and newsletters.", "会员活动与会刊。"),
    (20, "Gold", "金卡", 5000, 1, "Priority notice of new launches; owners' forums.", "新盘优先通知；业主论坛。"),
    (30, "Platinum", "铂金卡", 20000, 2, "Moving help; partner-merchant discounts.", "搬家协助；合作商户折扣。"),
    (40, "Diamond", "钻石卡", 50000, 3, "Decoration design; property-fee vouchers.", "装修设计；物业费抵用券。"),
]


def ensure_default_tiers(Tier) -> None:  # noqa: N803 (a model class, historical in migrations)
    """Create the default tiers when there are none; never touch tiers an admin has set up."""
    if Tier.objects.exists():
        return
    for rank, name, name_zh, points, units, benefits, benefits_zh in TIERS:
        Tier.objects.create(
            rank=rank,
            name=name,
            name_zh=name_zh,
            points_threshold=points,
            units_threshold=units,
            benefits=benefits,
            benefits_zh=benefits_zh,
        )
