"""Demo data of the club: the buyers are members (contract points), a few desk enrolments with points, a benefit
catalogue, an upcoming event with registrations, and a referral. Idempotent: run again, nothing doubles."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Customer
from members import reasons, services
from members.defaults import ensure_default_tiers
from members.models import Benefit, CarePlan, ClubEvent, Member, Redemption, Referral, Tier
from sales.models import Deal

BENEFITS = [
    ("Moving help", "搬家协助", "moving", 800, 20),
    ("Decoration design consultation", "装修设计咨询", "design", 2000, 10),
    ("Property-fee voucher ¥500", "物业费抵用券 500 元", "fee_voucher", 5000, 50),
    ("Partner café: 20% off", "合作咖啡馆 8 折", "merchant", 100, None),
]


DESK_USER = "desk.he"


def _desk_user():
    """The member desk's demo login (role member_service, password crm_site.seeding.DEMO_PASSWORD)."""
    from crm_site.roles import assign_role
    from crm_site.seeding import DEMO_PASSWORD

    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=DESK_USER, defaults={"first_name": "Min 何敏", "last_name": "He", "email": "desk.he@example.com"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    assign_role(user, "member_service")
    return user


def seed(stdout) -> None:
    User = get_user_model()
    desk = _desk_user()
    staff = User.objects.filter(is_superuser=True).first() or desk
    ensure_default_tiers(Tier)
    for deal in Deal.objects.contracts().select_related("customer")[:200]:
        services.contract_signed(deal=deal)
    desk = (
        []
        if Member.objects.filter(channel=Member.Channel.DESK).exists()
        else Customer.objects.filter(membership__isnull=True).order_by("id")[:20]
    )
    for customer in desk:
        member = services.member_ensure(customer=customer, by=staff)
        services.points_earn(
            member=member, amount=500, reason=reasons.Reason(reasons.WELCOME), key=f"demo:welcome:{member.pk}"
        )
    for name, name_zh, kind, price, stock in BENEFITS:
        Benefit.objects.get_or_create(
            name=name, defaults={"name_zh": name_zh, "kind": kind, "points_price": price, "stock": stock}
        )
    if staff is not None and not ClubEvent.objects.exists():
        event = services.event_create(
            by=staff,
            title="Owners' appreciation day",
            kind=ClubEvent.Kind.APPRECIATION,
            starts_at=timezone.now() + datetime.timedelta(days=10),
            place="Clubhouse",
            capacity=30,
        )
        for member in Member.objects.select_related("customer")[:12]:
            services.event_register(event=event, customer=member.customer)
    if staff is not None and not Redemption.objects.exists():
        cheapest = Benefit.objects.filter(active=True, points_price__gt=0).order_by("points_price").first()
        for member in Member.objects.filter(balance__gte=cheapest.points_price if cheapest else 0)[:3]:
            if cheapest is not None:
                services.redemption_create(member=member, benefit=cheapest, by=staff)
    if staff is not None and not CarePlan.objects.exists():
        _demo_care_plans(staff)
    referrer = Member.objects.select_related("customer").order_by("id").first()
    if referrer is not None and staff is not None and not Referral.objects.exists():
        services.referral_create(referrer=referrer.customer, name="林晓", phone="13700001357", by=staff)
    stdout.write(f"members: {Member.objects.count()}, benefits: {Benefit.objects.count()}")


def _demo_care_plans(staff) -> None:
    """Two key accounts among the club's biggest buyers, each with a care plan (one due for review today)."""
    from customers.services import key_account_assign

    buyers = Customer.objects.filter(membership__isnull=False, owner__isnull=False).order_by("id")[:2]
    for days, customer in zip((0, 30), buyers, strict=False):
        if not customer.key_account:
            key_account_assign(customer=customer, rep=customer.owner, by=staff, reason="Club key account (demo)")
        services.care_plan_save(
            customer=customer,
            by=staff,
            review_on=timezone.localdate() + datetime.timedelta(days=days),
            notes="Quarterly call by the project GM; invite to every owners' forum; birthday gift.",
        )
