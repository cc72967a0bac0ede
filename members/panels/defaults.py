"""Templates members sends by key (outreach.defaults)."""

from outreach import defaults
from outreach.models import Channel, Kind

defaults.register(
    "members.balance_mismatch",
    name="Points balance differs from the ledger (notification) 积分余额与流水不符通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="{{ count }} member balances differ from their points ledger",
    subject_zh="{{ count }} 位会员的积分余额与积分流水不符",
    body_en="The nightly reconciliation found differences for members {{ members }}. Nothing was changed: check "
    "the ledger and correct with an adjustment.",
    body_zh="夜间对账发现以下会员的余额不符：{{ members }}。系统未作任何修改，请核对流水后以调整记录更正。",
)
