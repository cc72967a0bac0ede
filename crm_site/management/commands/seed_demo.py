"""Idempotent demo data: projects, departments and teams, staff for every role, custom fields, customers.

Every demo user's password is DEMO_PASSWORD (documented in the README). Running it twice changes nothing.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from crm_site.models import ChoiceOption, CustomField, StaffProfile, Team
from crm_site.roles import assign_role, sync_roles
from customers.identity import id_check_digit
from customers.models import Customer, CustomerPhone
from sales.models import Project

DEMO_PASSWORD = "estate-demo-2026"

PROJECTS = [
    ("emerald-lake", "翠湖天地 Emerald Lake", "Shanghai", "Xuhui"),
    ("riverside-one", "滨江壹号 Riverside One", "Shanghai", "Pudong"),
    ("cloud-hill", "云麓花园 Cloud Hill Garden", "Hangzhou", "Xihu"),
]
# username, first name, last name, role, team, title, projects
STAFF = [
    ("admin", "Alex", "Admin", "admin", None, "System administrator", []),
    ("exec", "Wang", "Jianguo 王建国", "executive", None, "General manager", []),
    ("director", "Chen", "Jing 陈静", "sales_manager", "Sales Department", "Sales director", []),
    ("lead.north", "Li", "Na 李娜", "sales_manager", "Team North", "Team lead", ["emerald-lake"]),
    ("lead.south", "Zhao", "Lei 赵磊", "sales_manager", "Team South", "Team lead", ["riverside-one"]),
    ("rep.liu", "Liu", "Yang 刘洋", "sales_rep", "Team North", "Property consultant", ["emerald-lake"]),
    ("rep.zhang", "Zhang", "Wei 张伟", "sales_rep", "Team North", "Property consultant", ["emerald-lake"]),
    ("rep.emma", "Emma", "Brown", "sales_rep", "Team South", "Property consultant", ["riverside-one"]),
    ("rep.sun", "Sun", "Li 孙丽", "sales_rep", "Team South", "Property consultant", ["riverside-one"]),
    ("service.manager", "Huang", "Min 黄敏", "service_manager", "Customer Service", "Service manager", []),
    (
        "service.zhou",
        "Zhou",
        "Fang 周芳",
        "service_agent",
        "Customer Service",
        "Service agent",
        ["emerald-lake", "riverside-one"],
    ),
    ("marketing.wu", "Wu", "Qiang 吴强", "marketing", "Marketing", "Marketing specialist", []),
]
# name, kind, parent, manager username
TEAMS = [
    ("Sales Department", Team.Kind.DEPARTMENT, None, "director"),
    ("Team North", Team.Kind.TEAM, "Sales Department", "lead.north"),
    ("Team South", Team.Kind.TEAM, "Sales Department", "lead.south"),
    ("Customer Service", Team.Kind.DEPARTMENT, None, "service.manager"),
    ("Marketing", Team.Kind.DEPARTMENT, None, "marketing.wu"),
]
CHOICES = [
    (ChoiceOption.ListName.DISTRICT, "xuhui", "Xuhui", "徐汇区"),
    (ChoiceOption.ListName.DISTRICT, "pudong", "Pudong", "浦东新区"),
    (ChoiceOption.ListName.DISTRICT, "jingan", "Jing'an", "静安区"),
    (ChoiceOption.ListName.HOBBY, "golf", "Golf", "高尔夫"),
    (ChoiceOption.ListName.HOBBY, "reading", "Reading", "阅读"),
    (ChoiceOption.ListName.LOST_REASON, "price", "Price", "价格"),
    (ChoiceOption.ListName.LOST_REASON, "location", "Location", "地段"),
    (ChoiceOption.ListName.LOST_REASON, "competitor", "Competitor", "竞品"),
]
CUSTOM_FIELDS = [
    ("parking_spaces", "Parking spaces wanted", "需要车位数", CustomField.Type.NUMBER, ""),
    ("school_district", "Needs school district", "需要学区", CustomField.Type.BOOLEAN, ""),
    (
        "decision_timeline",
        "Decision timeline",
        "决策周期",
        CustomField.Type.CHOICE,
        "1m|Within a month|一个月内\n3m|Within 3 months|三个月内\n1y|Within a year|一年内",
    ),
]
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


class Command(BaseCommand):
    help = f"Load idempotent demo data. Every demo user's password is {DEMO_PASSWORD!r}."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=60, help="How many demo customers (default 60).")

    @transaction.atomic
    def handle(self, *args, customers, **options):
        sync_roles(grant_missing=True)
        projects = {
            code: Project.objects.update_or_create(
                code=code, defaults={"name": name, "city": city, "district": district}
            )[0]
            for code, name, city, district in PROJECTS
        }
        users = self.seed_staff(projects)
        for list_name, value, english, chinese in CHOICES:
            ChoiceOption.objects.get_or_create(
                list_name=list_name, value=value, defaults={"label_en": english, "label_zh": chinese}
            )
        for order, (key, english, chinese, field_type, choices) in enumerate(CUSTOM_FIELDS):
            CustomField.objects.get_or_create(
                entity=CustomField.Entity.CUSTOMER,
                key=key,
                defaults={
                    "label_en": english,
                    "label_zh": chinese,
                    "field_type": field_type,
                    "choices": choices,
                    "order": order,
                },
            )
        created = self.seed_customers(customers, users, projects)
        if created:
            self.seed_activity(users)
        from sales.demo import seed_sales_demo  # sales.demo reads DEMO_PASSWORD from this module

        seed_sales_demo(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(users)} staff, {len(projects)} projects, {created} new customers. "
                f"Log in as any of {', '.join(users)} with password {DEMO_PASSWORD!r}."
            )
        )

    def seed_staff(self, projects) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, *_rest in STAFF:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.email = f"{username}@example.com"
                user.is_superuser = username == "admin"
                user.save()
            users[username] = user
        teams = {}
        for name, kind, parent, manager in TEAMS:
            team, _created = Team.objects.get_or_create(
                name=name, parent=teams.get(parent), defaults={"kind": kind, "manager": users[manager]}
            )
            teams[name] = team
        for username, _first, _last, role, team, title, codes in STAFF:
            assign_role(users[username], role)
            profile = StaffProfile.objects.get(user=users[username])
            if profile.team_id is None and team:
                profile.team = teams[team]
                profile.title = title
                profile.save()
            profile.projects.add(*[projects[code] for code in codes])
        return users

    def seed_customers(self, count, users, projects) -> int:
        rng = random.Random(20261123)  # the same demo data on every machine
        reps = [users[name] for name in ("rep.liu", "rep.zhang", "rep.emma", "rep.sun", "lead.north")]
        rep_projects = {
            "rep.liu": "emerald-lake",
            "rep.zhang": "emerald-lake",
            "rep.emma": "riverside-one",
            "rep.sun": "riverside-one",
            "lead.north": "emerald-lake",
        }
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
                    "project": projects[rep_projects[owner.username]],
                    "level": rng.choice("AABBBCCCD"),
                    "status": rng.choice(["prospect", "prospect", "intending", "buyer", "owner", "lost"]),
                    "source": rng.choice([choice for choice, _label in Customer.Source.choices]),
                    "income_band": rng.choice(["", "middle", "high", "top"]),
                    "district": rng.choice(["徐汇区", "浦东新区", "静安区", "西湖区"]),
                    "occupation": rng.choice(["Engineer", "Teacher", "教师", "医生", "Business owner", ""]),
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

    def seed_activity(self, users):
        """Contacts, follow-ups (some due today), intents, a household, a conflict and a pool file."""
        from customers.models import CustomerConflict, CustomerMember, Interaction, PurchaseIntent

        rng = random.Random(7)
        now = timezone.now()
        today = timezone.localdate()
        channels = ["phone", "visit", "site_visit", "message", "email"]
        summaries = [
            "Asked about school district and parking",
            "看了样板间，对南向三居室感兴趣",
            "Discussed mortgage options and down payment",
            "电话回访，客户下周再来看房",
            "Sent the price list by WeChat",
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
                        outcome=rng.choice(["Interested", "Will visit again", "有意向", ""]),
                        next_step="Call back with a quote" if last else "",
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
            intent = PurchaseIntent.objects.create(
                customer=customer,
                recorded_by=customer.owner,
                area_min=rng.choice([70, 90, 120]),
                area_max=rng.choice([100, 140, 180]),
                rooms=rng.choice([2, 3, 4]),
                orientation="S",
                budget_min=rng.choice([300, 500]),
                budget_max=rng.choice([600, 900]),
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
