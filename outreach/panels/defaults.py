"""The templates outreach itself relies on: telling a send's creator it finished, admins that a webhook was switched off."""

from outreach import defaults
from outreach.models import Channel, Kind

defaults.register(
    "outreach.send_done",
    name="Send finished (notification) 群发完成通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="“{{ send_name }}” has been sent",
    subject_zh="“{{ send_name }}”已发送完毕",
    body_en="{{ sent }} messages sent, {{ failed }} failed or bounced.",
    body_zh="已发送 {{ sent }} 条，失败或退回 {{ failed }} 条。",
)
defaults.register(
    "outreach.webhook_disabled",
    name="Webhook switched off (notification) Webhook 已停用通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="Webhook “{{ endpoint_name }}” was switched off",
    subject_zh="Webhook“{{ endpoint_name }}”已停用",
    body_en="Deliveries to {{ endpoint_url }} kept failing. Check the receiver, then switch the endpoint on again.",
    body_zh="发往 {{ endpoint_url }} 的推送连续失败。请检查接收方后重新启用该端点。",
)
