"""Customer demo data for `manage.py seed_demo`: files for every demo rep, contacts, follow-ups, intents, a
household, a conflict, planned visits, web inquiries and a file in the public pool."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from crm_site.models import StaffProfile
from customers.identity import id_check_digit
from customers.models import Customer, CustomerPhone

# Projects belong to sales (seeded first); customers reach them through the relation.
Project = Customer._meta.get_field("project").related_model
REP_PROJECTS = {
    "rep.liu": "emerald-lake",
    "rep.zhang": "emerald-lake",
    "rep.emma": "riverside-one",
    "rep.sun": "riverside-one",
    "lead.north": "emerald-lake",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
]
ENGLISH = [
    "Oliver Smith",
    "Sophia Chen",
    "Lucas Wang",
    "Mia Johnson",
    "Ethan Li",
    "Ava Zhang",
    "Noah Liu",
    "Isla Brown",
]


# rooms, area from / to (m²), budget from / to (10k yuan): plausible together, so the unit picker finds units.
INTENT_PROFILES = [(2, 70, 95, 250, 700), (3, 95, 125, 300, 1000), (4, 130, 175, 450, 1400)]


def seed(stdout, count: int = 60) -> None:
    """Idempotent: files are keyed by phone; activity is added only with newly created files."""
    users = {user.username: user for user in get_user_model().objects.filter(username__in=REP_PROJECTS)}
    projects = {project.code: project for project in Project.objects.filter(code__in=set(REP_PROJECTS.values()))}
    created = _customers(count, users, projects)
    if created:
        _activity(users)
    stdout.write(f"customers: {created} new demo files")


def _customers(count, users, projects) -> int:
    rng = random.Random(20261123)  # the same demo data on every machine
    reps = [users[name] for name in ("rep.liu", "rep.zhang", "rep.emma", "rep.sun", "lead.north")]
    now = timezone.now()
    created = 0
    for index in range(count):
        phone = f"139{index:04d}{rng.randrange(10**4):04d}"
        owner = reps[index % len(reps)]
        team = StaffProfile.objects.get(user=owner).team
        name = ENGLISH[index % len(ENGLISH)] if index % 7 == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN)
        birth = datetime.date(1960 + index % 40, 1 + index % 12, 1 + index % 28)
        id_number = ""
        if index % 3 == 0:
            first17 = f"310104{birth:%Y%m%d}{index % 1000:03d}"
            id_number = first17 + id_check_digit(first17)
        customer, was_created = Customer.objects.get_or_create(
            phone=phone,
            defaults={
                "name": name,
                "id_number": id_number,
                "birth_date": birth,
                "gender": rng.choice(["f", "m"]),
                "owner": owner,
                "team": team,
                "project": projects[REP_PROJECTS[owner.username]],
                "level": rng.choice("AABBBCCCD"),
                "status": rng.choice(["prospect", "prospect", "intending", "buyer", "owner", "lost"]),
                "source": rng.choice([choice for choice, _label in Customer.Source.choices]),
                "income_band": rng.choice(["", "middle", "high", "top"]),
                "district": rng.choice(["徐汇区", "浦东新区", "静安区", "西湖区"]),
                "occupation": rng.choice(["工程师", "教师", "医生", "企业主", "Engineer", ""]),
                "custom": {
                    "parking_spaces": str(rng.randrange(0, 3)),
                    "decision_timeline": rng.choice(["1m", "3m", "1y"]),
                },
                "last_contact_at": now - datetime.timedelta(days=rng.randrange(0, 60)),
            },
        )
        CustomerPhone.objects.get_or_create(customer=customer, number=phone, defaults={"primary": True})
        created += was_created
    return created


def _activity(users):
    """Contacts, follow-ups (some due today), intents, a household, a conflict and a pool file."""
    from customers.models import CustomerConflict, CustomerMember, Interaction, PurchaseIntent

    rng = random.Random(7)
    now = timezone.now()
    today = timezone.localdate()
    channels = ["phone", "visit", "site_visit", "message", "email"]
    summaries = [
        "询问学区和车位情况",
        "看了样板间，对南向三居室感兴趣",
        "Discussed mortgage options and down payment",
        "电话回访，客户下周再来看房",
        "微信发送了价格表",
    ]
    customers = list(Customer.objects.filter(owner__isnull=False).order_by("id"))
    rows = []
    for index, customer in enumerate(customers):
        for step in range(2):
            when = now - datetime.timedelta(days=10 * (2 - step) + index % 7, hours=index % 5)
            last = step == 1
            rows.append(
                Interaction(
                    customer=customer,
                    staff=customer.owner,
                    channel=channels[(index + step) % len(channels)],
                    occurred_at=when,
                    summary=summaries[(index + step) % len(summaries)],
                    outcome=rng.choice(["有意向", "会再来看房", "Interested", ""]),
                    next_step=("回电报价" if index % 3 else "Call back with a quote") if last else "",
                    next_due=today - datetime.timedelta(days=index % 3)
                    if last and index % 2 == 0
                    else (today + datetime.timedelta(days=3) if last else None),
                    next_done=False,
                )
            )
    Interaction.objects.bulk_create(rows)
    latest = Interaction.objects.filter(customer=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    Customer.objects.filter(pk__in=[customer.pk for customer in customers]).update(last_contact_at=Subquery(latest))
    for customer in customers[::3]:
        # What buyers ask for: the rooms a size has, and a budget (10k yuan) that size costs in the city.
        rooms, area_min, area_max, budget_min, budget_max = rng.choice(INTENT_PROFILES)
        intent = PurchaseIntent.objects.create(
            customer=customer,
            recorded_by=customer.owner,
            area_min=area_min,
            area_max=area_max,
            rooms=rooms,
            orientation="S",
            budget_min=budget_min,
            budget_max=budget_max,
            priorities=rng.sample(["location", "schools", "transport", "price", "greening"], 2),
            questions="车位配比？ When is delivery?",
        )
        intent.projects.add(customer.project)
    family = customers[1]
    family.kind = Customer.Kind.FAMILY
    family.save(update_fields=["kind"])
    CustomerMember.objects.create(customer=family, name="配偶 " + family.name, role="spouse", decides=True)
    CustomerMember.objects.create(customer=family, name="Parent of " + family.name, role="parent")
    contested = customers[0]
    CustomerConflict.objects.create(
        customer=contested,
        claimant=users["rep.zhang"],
        owner_at_claim=contested.owner,
        evidence={
            "name": contested.name,
            "phone": contested.phone,
            "source": "walk_in",
            "notes": "Came with a friend",
        },
    )
    from customers.models import VisitPlan

    for customer in [c for c in customers if c.owner.username == "rep.liu"][:3]:
        VisitPlan.objects.create(
            staff=customer.owner, customer=customer, planned_for=today, purpose="Bring floor plans"
        )
    from customers.models import Inquiry

    for name, phone, hours in (("周先生", "13811112222", 5), ("Ms. Taylor", "13933334444", 0)):
        inquiry = Inquiry.objects.create(
            name=name, phone=phone, message="想了解三居室价格 / price of 3-bedroom units", project=customer.project
        )
        Inquiry.objects.filter(pk=inquiry.pk).update(received_at=now - datetime.timedelta(hours=hours))
    pooled = customers[-1]
    Customer.objects.filter(pk=pooled.pk).update(owner=None, owned_since=None)
