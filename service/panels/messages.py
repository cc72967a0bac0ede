"""The message templates service relies on (outreach.defaults): admins may reword them, never lose them."""

from outreach import defaults
from outreach.models import Channel, Kind

defaults.register(
    "service.assigned",
    name="Ticket assigned (notification) 工单分派通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="Ticket #{{ ticket_number }} is yours: {{ ticket_subject }}",
    subject_zh="工单 #{{ ticket_number }} 已分派给您：{{ ticket_subject }}",
    body_en="{{ customer_name }}'s ticket was assigned to you.",
    body_zh="客户 {{ customer_name }} 的工单已分派给您。",
)
defaults.register(
    "service.near_breach",
    name="Ticket near SLA breach (notification) 工单即将超时通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="Ticket #{{ ticket_number }} is close to its deadline",
    subject_zh="工单 #{{ ticket_number }} 即将超时",
    body_en="{{ customer_name }}: {{ ticket_subject }}. Due {{ due_at }}.",
    body_zh="{{ customer_name }}：{{ ticket_subject }}。截止时间 {{ due_at }}。",
)
defaults.register(
    "service.escalated",
    name="Ticket escalated (notification) 工单升级通知",
    kind=Kind.SERVICE,
    channel=Channel.IN_APP,
    subject_en="Escalated: ticket #{{ ticket_number }} breached its SLA",
    subject_zh="升级：工单 #{{ ticket_number }} 已超出服务时限",
    body_en="{{ customer_name }}: {{ ticket_subject }}. It was due {{ due_at }}.",
    body_zh="{{ customer_name }}：{{ ticket_subject }}。原定截止时间 {{ due_at }}。",
)
defaults.register(
    "service.certificate_stage",
    name="Certificate stage changed (to the buyer) 产权证办理进度通知（致业主）",
    kind=Kind.SERVICE,
    channel=Channel.EMAIL,
    subject_en="Your property certificate: {{ stage_name }}",
    subject_zh="您的不动产权证办理进度：{{ stage_zh }}",
    body_en="Dear {{ customer_name }}, the certificate of unit {{ unit_name }} has reached the stage “{{ stage_name }}”.",
    body_zh="尊敬的{{ customer_name }}，您的房屋 {{ unit_name }} 的产权证办理已进入“{{ stage_zh }}”阶段。",
)
defaults.register(
    "service.status_letter",
    name="Certificate status letter (to the buyer, PDF attached)",
    kind=Kind.SERVICE,
    channel=Channel.EMAIL,
    subject_en="Status of your property certificate, contract {{ contract_no }}",
    subject_zh="产权证办理进度函（合同 {{ contract_no }}）",
    body_en=(
        "Dear {{ customer_name }}, please find attached the status of the property certificate of unit "
        "{{ unit_name }}: it is at the stage “{{ stage_name }}”. The letter also lists your open service requests."
    ),
    body_zh=(
        "尊敬的{{ customer_name }}，随函附上您的房屋 {{ unit_name }} 的产权证办理进度：目前处于“{{ stage_zh }}”阶段。"
        "函中亦列出您尚在处理中的服务请求。"
    ),
)
defaults.register(
    "service.survey",
    name="Satisfaction survey (to the customer) 满意度调查（致客户）",
    kind=Kind.SERVICE,
    channel=Channel.EMAIL,
    subject_en="{{ survey_title }}: a minute of your time?",
    subject_zh="{{ survey_title_zh }}：耽误您一分钟",
    body_en="Dear {{ customer_name }}, please tell us how we did: {{ survey_link }} (the link works once).",
    body_zh="尊敬的{{ customer_name }}，请告诉我们您的感受：{{ survey_link }}（链接仅可使用一次）。",
)
