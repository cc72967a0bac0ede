"""Outreach in the demo: e-mail addresses and consent on most demo customers, three templates in both languages
(welcome, project announcement, payment reminder), a shared saved filter, a finished send, one announcement to
the buyers of Emerald Lake, and a webhook endpoint that is switched off. Idempotent."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from customers.models import Customer, SavedFilter
from outreach import services
from outreach.models import Announcement, Kind, MessageTemplate, Send, WebhookEndpoint
from sales.models import Project

TEMPLATES = [
    {
        "key": "welcome",
        "name": "Welcome 欢迎信",
        "kind": Kind.MARKETING,
        "subject_en": "Welcome to {{ project|default:'Estate' }}, {{ customer_name }}",
        "subject_zh": "{{ customer_name }}，欢迎关注{{ project|default:'我们的项目' }}",
        "body_en": (
            "Dear {{ customer_name }},\n\nThank you for visiting us. Your consultant {{ consultant_name }} "
            "will keep you up to date with new releases and open days.\n"
            "{% if consultant_phone %}Call {{ consultant_name }} any time on {{ consultant_phone }}.{% endif %}"
        ),
        "body_zh": (
            "尊敬的{{ customer_name }}：\n\n感谢您莅临参观。您的置业顾问{{ consultant_name }}会及时告诉您新房源和开放日的消息。\n"
            "{% if consultant_phone %}如有疑问，请致电{{ consultant_phone }}。{% endif %}"
        ),
    },
    {
        "key": "project.announcement",
        "name": "Project announcement 项目公告",
        "kind": Kind.SERVICE,
        "subject_en": "{{ project }}: news about your home",
        "subject_zh": "{{ project }}：关于您房屋的最新通知",
        "body_en": (
            "Dear {{ customer_name }},\n\nWe would like to tell you about a change concerning "
            "{% if unit %}your unit {{ building }}-{{ unit }}{% else %}your home{% endif %} in {{ project }}.\n\n"
            "Your consultant {{ consultant_name }} will gladly answer your questions."
        ),
        "body_zh": (
            "尊敬的{{ customer_name }}：\n\n现将{{ project }}"
            "{% if unit %}{{ building }}栋{{ unit }}室{% else %}您所购房屋{% endif %}的相关变更通知如下。\n\n"
            "如有疑问，请联系您的置业顾问{{ consultant_name }}。"
        ),
    },
    {
        "key": "payment.reminder",
        "name": "Payment reminder 付款提醒",
        "kind": Kind.SERVICE,
        "subject_en": "Payment of {{ amount_due }} due on {{ due_date|date:'Y-m-d' }}",
        "subject_zh": "温馨提示：{{ due_date|date:'Y年n月j日' }}应付房款{{ amount_due }}",
        "body_en": (
            "Dear {{ customer_name }},\n\nthis is a reminder that {{ amount_due }} for {{ project }} "
            "{{ building }}-{{ unit }} (contract {{ contract_no }}) is due on {{ due_date|date:'Y-m-d' }}.\n"
            "If you have already paid, please ignore this message."
        ),
        "body_zh": (
            "尊敬的{{ customer_name }}：\n\n您购买的{{ project }}{{ building }}栋{{ unit }}室（合同号{{ contract_no }}）"
            "有一笔房款{{ amount_due }}将于{{ due_date|date:'Y年n月j日' }}到期。\n如您已付款，请忽略本提醒。"
        ),
    },
]
ANNOUNCEMENT = {
    "subject_zh": "交付时间调整通知",
    "subject_en": "New handover date",
    "body_zh": (
        "尊敬的{{ customer_name }}：\n\n因市政道路改造，{{ project }}的交付时间调整为明年3月31日。"
        "我们对由此带来的不便深表歉意。\n\n如有疑问，请联系您的置业顾问{{ consultant_name }}。"
    ),
    "body_en": (
        "Dear {{ customer_name }},\n\nbecause of municipal road works, handover of {{ project }} moves to "
        "31 March next year. We apologise for the inconvenience.\n\nYour consultant {{ consultant_name }} "
        "will gladly answer your questions."
    ),
}


# Names both languages' users read (as the rest of the demo names campaigns and staff): English, then Chinese.
SAVED_FILTER = "A-level prospects A级意向客户"
SEND = "Spring open day 春季开放日"


def seed(stdout) -> None:
    User = get_user_model()
    marketing = User.objects.filter(username="marketing.wu").first()
    admin = User.objects.filter(username="admin").first()
    if marketing is None or admin is None:
        return
    addressed = _addresses()
    for fields in TEMPLATES:
        if not MessageTemplate.objects.filter(key=fields["key"]).exists():
            services.template_save(by=marketing, **fields)
    saved, _created = SavedFilter.objects.get_or_create(
        user=marketing, name=SAVED_FILTER, defaults={"query": "level=A", "shared": True}
    )
    if not Send.objects.filter(name=SEND).exists():
        send = services.send_save(
            by=marketing,
            name=SEND,
            template=MessageTemplate.objects.get(key="welcome"),
            language="zh-hans",
            audience="saved_filter",
            audience_params={"saved_filter": str(saved.pk)},
        )
        services.send_start(send=send, by=marketing)
    project = Project.objects.filter(code="emerald-lake").first()
    if project is not None and not Announcement.objects.filter(project=project).exists():
        _one_buyer_without_email(project)
        announcement = services.announcement_create(
            by=marketing, project=project, category=Announcement.Category.DELIVERY_DATE, **ANNOUNCEMENT
        )
        services.announcement_send(announcement=announcement, by=marketing)
    WebhookEndpoint.objects.get_or_create(
        name="Finance system (example) 财务系统（示例）",
        defaults={
            "url": "https://finance.example.com/hooks/crm",
            "events": ["contract.signed", "payment.received"],
            "active": False,
            "disabled_reason": "示例接口：填入贵司自己的地址后启用。Example endpoint: switch it on with your own URL.",
            "created_by": admin,
        },
    )
    stdout.write(f"outreach: {addressed} e-mail addresses, {len(TEMPLATES)} templates, a send, an announcement")


def _one_buyer_without_email(project) -> None:
    """One buyer to call: the announcement page lists them as not reached."""
    from sales.models import Deal

    deal = Deal.objects.filter(project=project, stage=Deal.Stage.CONTRACT).order_by("pk").first()
    if deal is not None:
        Customer.objects.filter(pk=deal.customer_id).update(email="")


def _addresses() -> int:
    """Most demo files get an e-mail address and two in three consent; every fifth has no address (to call)."""
    updated = 0
    for customer in Customer.objects.filter(Q(email="") & ~Q(phone="")).order_by("pk"):
        if customer.pk % 5 == 0:
            continue
        customer.email = f"customer{customer.pk}@example.com"
        customer.marketing_consent = customer.pk % 3 != 0
        customer.save(update_fields=["email", "marketing_consent"])
        updated += 1
    return updated
