"""Customer care in the rest of the CRM: the greeting templates (outreach), the member merge fields, and the
"my day" panel where reps see their own customers to greet today."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from crm_site.myday import PanelItem
from members.models import Member
from members.selectors.care import greetings_due
from outreach import defaults, merge
from outreach.models import Channel, Kind

defaults.register(
    "members.birthday",
    name="Member birthday greeting 会员生日祝福",
    kind=Kind.MARKETING,
    channel=Channel.EMAIL,
    subject_en="Happy birthday, {{ customer_name }}!",
    subject_zh="{{ customer_name }}，生日快乐！",
    body_en="Dear {{ customer_name }},\n\nEveryone at {{ project|default:'our club' }} wishes you a happy birthday. "
    "As a {{ member_tier }} member you are always welcome at our club events.\n\n{{ consultant_name }}",
    body_zh="尊敬的{{ customer_name }}：\n\n{{ project|default:'客户会' }}全体同仁祝您生日快乐！"
    "作为{{ member_tier }}会员，欢迎您随时参加客户会活动。\n\n{{ consultant_name }}",
)
defaults.register(
    "members.anniversary",
    name="Purchase anniversary greeting 购房周年纪念问候",
    kind=Kind.MARKETING,
    channel=Channel.EMAIL,
    subject_en="{{ years }} year(s) in your home, {{ customer_name }}",
    subject_zh="{{ customer_name }}，感谢您 {{ years }} 年来的信任",
    body_en="Dear {{ customer_name }},\n\nIt is {{ years }} year(s) since you signed for your home at "
    "{{ project|default:'our project' }}. Thank you for your trust.\n\n{{ consultant_name }}",
    body_zh="尊敬的{{ customer_name }}：\n\n您签约{{ project|default:'我们的项目' }}已满 {{ years }} 年，"
    "感谢您的信任与支持。\n\n{{ consultant_name }}",
)


def member_fields(customers, language) -> dict:
    """The tier and member number of each customer who is a member: one query for the batch."""
    rows = Member.objects.filter(customer_id__in=[customer.pk for customer in customers]).select_related("tier")
    return {member.customer_id: {"member_tier": member.tier.label, "member_number": member.number} for member in rows}


merge.register(
    {"member_tier": gettext_lazy("Member tier"), "member_number": gettext_lazy("Member number")},
    member_fields,
    examples={"member_tier": "Gold", "member_number": "M00001234"},
)


def greetings_today(user) -> list[PanelItem]:
    if not user.has_perm("members.view_member"):
        return []
    items = []
    for due in greetings_due(day=timezone.localdate(), user=user):
        label = (
            _("Birthday")
            if due.occasion == "birthday"
            else _("%(years)s years since the contract") % {"years": due.years}
        )
        items.append(PanelItem(due.customer.name, due.customer.get_absolute_url(), label))
    return items


myday.declare(
    "greetings",
    gettext_lazy("Customers to greet today"),
    "balloon-heart",
    gettext_lazy("No birthdays or purchase anniversaries today."),
    45,
    permission="members.view_member",
)
myday.register("greetings", greetings_today)


def care_reviews_due(user) -> list[PanelItem]:
    """Care plans whose review date has come, of the customers the user may see."""
    from members.selectors.care import care_plan_list

    return [
        PanelItem(
            plan.customer.name,
            reverse("members:care-plan", args=[plan.customer_id]),
            _("Care plan review"),
            when=plan.review_on,
            urgent=plan.review_on < timezone.localdate(),
        )
        for plan in care_plan_list(user=user, due_only=True)[: myday.MAX_ITEMS]
    ]


def _care_reviews_count(user) -> int:
    from members.selectors.care import care_plan_list

    return care_plan_list(user=user, due_only=True).count()


myday.declare(
    "care_reviews",
    gettext_lazy("Care plan reviews due"),
    "heart-pulse",
    gettext_lazy("No care plan is due for review."),
    46,
    permission="members.change_careplan",
    counter=_care_reviews_count,
)
myday.register("care_reviews", care_reviews_due)
