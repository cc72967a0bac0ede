"""Sales demo data for `manage.py seed_demo`: buildings and units, a funnel for each demo rep, deals with payment
schedules, promises, targets, competitors, campaigns, a channel partner and a lease.

Runs inside seed_demo's transaction after the staff, projects and customers exist. Running it again changes
nothing: the generated part is skipped once the demo projects have buildings, the rest is get_or_create.
The rows are written with the models directly but kept as the services would keep them: a unit's status matches
its live deal or lease, an installment's `received` is the sum of its payments, an opportunity's stage is its last
StageChange, and a deal's project, customer and owner are its opportunity's.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crm_site.models import ChoiceOption, CustomField, StaffProfile, Team
from crm_site.roles import assign_role
from crm_site.seeding import DEMO_PASSWORD
from customers.models import Customer
from sales.models import (
    Building,
    Campaign,
    CampaignLead,
    Commission,
    CommissionRule,
    Competitor,
    CompetitorMove,
    Deal,
    Installment,
    Lease,
    Opportunity,
    Partner,
    PartnerRegistration,
    Payment,
    Project,
    Promise,
    SalesSettings,
    SalesTarget,
    StageChange,
    Unit,
)

PARTNER_USER = "partner.sun"
PARTNER_NAME = "Sunshine Realty"
REPS = ["rep.liu", "rep.zhang", "rep.emma", "rep.sun"]
# project code -> (price per m² on the first floor, buildings: name, floors, units per floor)
BUILDINGS = {
    "emerald-lake": (65_000, [("1号楼 Tower 1", 18, 4), ("2号楼 Tower 2", 12, 6), ("3号楼 Tower 3", 8, 4)]),
    "riverside-one": (78_000, [("A座 Block A", 20, 4), ("B座 Block B", 10, 5)]),
    "cloud-hill": (32_000, [("1号楼 Garden Court", 8, 5), ("2号楼 Lakeside", 14, 4)]),
}
AREAS = [89, 118, 142, 168, 76, 98]
ORIENTATIONS = ["S", "SN", "SE", "SW", "E", "W"]
Stage = Opportunity.Stage
# The funnel of each demo rep, one opportunity per customer (in the order of their customers).
FUNNEL = [
    Stage.LEAD,
    Stage.LEAD,
    Stage.VISITED,
    Stage.VISITED,
    Stage.INTENDING,
    Stage.INTENDING,
    Stage.RESERVATION,
    Stage.SUBSCRIPTION,
    Stage.CONTRACT,
    "contract_older",
    Stage.WON,
    Stage.LOST,
]
COMPETITORS = [
    ("Golden Bay 金湾府", "Vanke", "Pudong", Decimal("68000")),
    ("Sky Garden 天空之城", "Longfor", "Minhang", Decimal("59000")),
]
CAMPAIGNS = [
    ("Spring Home Expo 2026 春季房展会", Campaign.Kind.EXHIBITION, "Expo centre", "emerald-lake", 200_000, 185_000),
    ("WeChat Moments ads 朋友圈广告", Campaign.Kind.ONLINE, "WeChat", "riverside-one", 80_000, 64_500),
]
ZERO = Decimal("0")


def seed_sales_demo(stdout=None) -> None:
    """Load the sales demo data (idempotent); `stdout` gets one summary line."""
    with transaction.atomic():
        summary = _Seeder().run()
        _custom_fields()
    if stdout is not None:
        stdout.write(summary)


# Custom fields a developer's admin would add to sales records: (entity, key, English, Chinese, type, choices)
CUSTOM_FIELDS = [
    ("opportunity", "decision_maker", "Decision maker", "决策人", CustomField.Type.CHOICE,
     "self|The buyer|本人\nspouse|Spouse|配偶\nparents|Parents|父母"),
    ("opportunity", "budget_confirmed", "Budget confirmed", "预算已确认", CustomField.Type.BOOLEAN, ""),
    ("deal", "mortgage_bank", "Mortgage bank", "按揭银行", CustomField.Type.CHOICE,
     "icbc|ICBC|工商银行\nccb|China Construction Bank|建设银行\nboc|Bank of China|中国银行\ncmb|China Merchants Bank|招商银行"),
    ("deal", "loan_amount", "Loan amount", "贷款金额", CustomField.Type.NUMBER, ""),
    ("deal", "signing_visit", "Signing appointment", "签约预约日", CustomField.Type.DATE, ""),
    ("unit", "view", "View", "景观", CustomField.Type.MULTI_CHOICE,
     "lake|Lake view|湖景\ngarden|Garden view|园景\nstreet|Street side|临街"),
    ("unit", "renovated", "Fitted out", "精装修", CustomField.Type.BOOLEAN, ""),
]  # fmt: skip


def _custom_fields() -> None:
    """Define the sales custom fields and fill them on part of the demo records (idempotent)."""
    for order, (entity, key, english, chinese, field_type, choices) in enumerate(CUSTOM_FIELDS):
        CustomField.objects.get_or_create(
            entity=entity,
            key=key,
            defaults={"label_en": english, "label_zh": chinese, "field_type": field_type, "choices": choices,
                      "order": (order + 1) * 10},
        )  # fmt: skip
    makers = ["self", "spouse", "parents"]
    for opportunity in Opportunity.objects.filter(custom={}).order_by("pk"):
        if opportunity.pk % 4:
            opportunity.custom = {
                "decision_maker": makers[opportunity.pk % 3],
                "budget_confirmed": opportunity.pk % 2 == 0,
            }
            opportunity.save(update_fields=["custom"])
    banks = ["icbc", "ccb", "boc", "cmb"]
    for deal in Deal.objects.filter(custom={}).order_by("pk"):
        loan = (deal.list_price * Decimal("0.6")).quantize(Decimal("10000"))
        visit = (deal.reserved_at + datetime.timedelta(days=10)).date().isoformat()
        deal.custom = {"mortgage_bank": banks[deal.pk % 4], "loan_amount": str(loan), "signing_visit": visit}
        deal.save(update_fields=["custom"])
    views = [["lake"], ["garden"], ["lake", "garden"], ["street"]]
    units = list(Unit.objects.filter(custom={}).order_by("pk").only("pk", "floor"))
    for unit in units:
        unit.custom = {"view": views[unit.pk % 4], "renovated": unit.floor > 3}
    Unit.objects.bulk_update(units, ["custom"], batch_size=500)


class _Seeder:
    def __init__(self):
        User = get_user_model()
        self.users = {
            user.username: user
            for user in User.objects.filter(
                username__in=[*REPS, "director", "lead.north", "lead.south", "marketing.wu"]
            )
        }
        self.projects = {project.code: project for project in Project.objects.filter(code__in=BUILDINGS)}
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.rng = random.Random(20260214)  # noqa: S311 (the same demo on every machine, not a secret)
        self.contract_no = 0

    # ------------------------------------------------------------ helpers

    def at(self, days_ago: int, hour: int = 10) -> datetime.datetime:
        moment = timezone.make_aware(datetime.datetime.combine(self.day(days_ago), datetime.time(hour, 30)))
        return min(moment, self.now)

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def team_of(self, user) -> Team | None:
        return StaffProfile.objects.get(user=user).team

    # ------------------------------------------------------------ the run

    def run(self) -> str:
        if len(self.users) < len(REPS) or not self.projects:
            return "Sales demo skipped: the demo staff and projects are missing."
        settings = SalesSettings.objects.first() or SalesSettings.objects.create()
        competitors = self.competitors()
        campaigns = self.campaigns()
        partner = self.partner()
        self.targets()
        if Building.objects.filter(project__in=self.projects.values()).exists():
            return "Sales demo data already present."
        units = self.inventory()
        deals = self.funnel(units, competitors, campaigns, settings)
        self.promises(deals)
        self.registrations(partner, deals, settings)
        self.lease(units)
        return (
            f"Sales demo ready: {Unit.objects.count()} units, {Opportunity.objects.count()} opportunities, "
            f"{Deal.objects.count()} deals; partner login {PARTNER_USER!r} with password {DEMO_PASSWORD!r}."
        )

    # ------------------------------------------------------------ reference data (get_or_create)

    def competitors(self) -> list[Competitor]:
        return [
            Competitor.objects.get_or_create(
                name=name, defaults={"developer": developer, "district": district, "price_per_m2": price}
            )[0]
            for name, developer, district, price in COMPETITORS
        ]

    def campaigns(self) -> list[Campaign]:
        owner = self.users.get("marketing.wu") or self.users["director"]
        found = []
        for offset, (name, kind, channel, code, budget, cost) in enumerate(CAMPAIGNS):
            campaign, _created = Campaign.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "channel": channel,
                    "project": self.projects.get(code),
                    "starts_on": self.day(90 - 30 * offset),
                    "ends_on": self.day(30 - 30 * offset) if offset == 0 else self.day(-30),
                    "budget": Decimal(budget),
                    "actual_cost": Decimal(cost),
                    "owner": owner,
                },
            )
            found.append(campaign)
        return found

    def partner(self) -> Partner:
        User = get_user_model()
        partner, _created = Partner.objects.get_or_create(
            name=PARTNER_NAME,
            defaults={"kind": Partner.Kind.AGENCY, "contact_name": "Sun Hao 孙浩", "contact_phone": "13600001234"},
        )
        user, created = User.objects.get_or_create(
            username=PARTNER_USER,
            defaults={"first_name": "Sun", "last_name": "Hao 孙浩", "email": f"{PARTNER_USER}@example.com"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            assign_role(user, "partner")
        partner.users.add(user)
        CommissionRule.objects.get_or_create(
            partner=partner, project=None, defaults={"rate_pct": Decimal("1.50"), "fixed_amount": Decimal("2000")}
        )
        return partner

    def targets(self) -> None:
        this_month = self.today.replace(day=1)
        last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
        set_by = self.users["director"]
        for month in (last_month, this_month):
            for index, username in enumerate(REPS):
                amount = Decimal(12_000_000 + 2_000_000 * index)
                SalesTarget.objects.get_or_create(
                    month=month,
                    level=SalesTarget.Level.REP,
                    staff=self.users[username],
                    defaults={
                        "amount": amount,
                        "units": 4 + index % 2,
                        "stretch_amount": amount * Decimal("1.25"),
                        "stretch_units": 6,
                        "set_by": set_by,
                    },
                )
            for name in ("北区组 Team North", "南区组 Team South"):
                team = Team.objects.filter(name=name).first()
                if team is not None:
                    SalesTarget.objects.get_or_create(
                        month=month,
                        level=SalesTarget.Level.TEAM,
                        team=team,
                        defaults={
                            "amount": Decimal("30000000"),
                            "units": 10,
                            "stretch_amount": Decimal("38000000"),
                            "stretch_units": 13,
                            "set_by": set_by,
                        },
                    )

    # ------------------------------------------------------------ inventory

    def inventory(self) -> dict[str, list[Unit]]:
        """Buildings and units, all available at first; the home units of each project, shuffled, for the deals."""
        holders = {
            "emerald-lake": ["rep.liu", "rep.zhang"],
            "riverside-one": ["rep.emma", "rep.sun"],
            "cloud-hill": ["rep.liu", "rep.sun"],
        }
        homes = {}
        for code, (per_m2, buildings) in BUILDINGS.items():
            project = self.projects.get(code)
            if project is None:
                continue
            rows = []
            for index, (name, floors, per_floor) in enumerate(buildings):
                building = Building.objects.create(
                    project=project,
                    name=name,
                    floors=floors,
                    sale_permit=f"沪房预售 2026-{project.pk:02d}{index + 1:02d}",
                )
                for floor in range(1, floors + 1):
                    for column in range(1, per_floor + 1):
                        rows.append(self.unit(building, floor, column, per_m2, shop_floor=index == 0))
            Unit.objects.bulk_create(rows)
            units = list(Unit.objects.filter(project=project).order_by("building__name", "floor", "number"))
            for position, unit in enumerate(units[-2::-37][:2]):  # two units held by the project's reps
                unit.status = Unit.Status.HELD
                unit.held_by = self.users[holders[code][position]]
                unit.status_changed_at = self.now - datetime.timedelta(hours=5 + 20 * position)
                unit.save(update_fields=["status", "held_by", "status_changed_at"])
            show_flat = units[len(units) // 2]
            if show_flat.use == Unit.Use.HOME:
                show_flat.status = Unit.Status.NOT_FOR_SALE
                show_flat.save(update_fields=["status"])
            pool = [unit for unit in units if unit.use == Unit.Use.HOME and unit.status == Unit.Status.AVAILABLE]
            self.rng.shuffle(pool)
            homes[code] = pool
        return homes

    def unit(self, building: Building, floor: int, column: int, per_m2: int, *, shop_floor: bool) -> Unit:
        area = Decimal(AREAS[(column - 1) % len(AREAS)]) + Decimal(self.rng.randrange(0, 100)) / 100
        price_m2 = per_m2 * (1000 + 5 * floor) // 1000
        list_price = (area * price_m2 / 1000).quantize(Decimal("1")) * 1000
        if shop_floor and floor == 1:
            use = Unit.Use.OFFICE if building.project.code == "cloud-hill" else Unit.Use.SHOP
            for_lease = column % 2 == 1
            return Unit(
                building=building,
                project=building.project,
                floor=floor,
                number=f"{floor}{column:02d}",
                use=use,
                building_area=area,
                usable_area=(area * Decimal("0.85")).quantize(Decimal("0.01")),
                list_price=list_price,
                cost_basis=(list_price * Decimal("0.62")).quantize(Decimal("1")),
                for_lease=for_lease,
                monthly_rent=(area * Decimal("3.2")).quantize(Decimal("1")) * 100 if for_lease else None,
            )
        rooms = 2 if area < 90 else 3 if area < 130 else 4
        return Unit(
            building=building,
            project=building.project,
            floor=floor,
            number=f"{floor}{column:02d}",
            rooms=rooms,
            halls=2 if rooms > 2 else 1,
            baths=1 if rooms == 2 else 2,
            building_area=area,
            usable_area=(area * Decimal("0.78")).quantize(Decimal("0.01")),
            orientation=ORIENTATIONS[(column - 1) % len(ORIENTATIONS)],
            list_price=list_price,
            cost_basis=(list_price * Decimal("0.64")).quantize(Decimal("1")),
        )

    # ------------------------------------------------------------ the funnel and the deals

    def funnel(self, homes, competitors, campaigns, settings) -> dict[tuple[str, str], Deal]:
        """An opportunity per customer of each demo rep, at the stages of FUNNEL; returns deals by (rep, step)."""
        lost_reasons = list(ChoiceOption.objects.filter(list_name=ChoiceOption.ListName.LOST_REASON).order_by("id"))
        leads = {}
        for offset, campaign in enumerate(campaigns):
            for customer in Customer.objects.filter(owner__username=REPS[offset * 2]).order_by("id")[2:5]:
                lead, _created = CampaignLead.objects.get_or_create(
                    customer=customer, defaults={"campaign": campaign, "by": self.users[REPS[offset * 2]]}
                )
                leads[customer.pk] = lead.campaign
        deals = {}
        for rep_index, username in enumerate(REPS):
            owner = self.users[username]
            team = self.team_of(owner)
            customers = Customer.objects.filter(owner=owner, project__isnull=False).order_by("id")
            for index, (customer, step) in enumerate(zip(customers, FUNNEL, strict=False)):
                pool = homes.get(customer.project.code)
                if step not in PRE_DEAL_STEPS and not pool:
                    continue
                deal = self.opportunity(
                    customer, owner, team, step, index, rep_index, pool, leads, competitors, lost_reasons, settings
                )
                if deal is not None:
                    deals[(username, step)] = deal
        return deals

    def opportunity(
        self, customer, owner, team, step, index, rep_index, pool, leads, competitors, lost_reasons, settings
    ):
        stage = Stage.CONTRACT if step == "contract_older" else step
        rng = self.rng
        history: list[tuple[str, datetime.datetime]] = []
        unit = deal = None
        # Dates in days ago: the deal's steps, and the visit steps before them.
        reserve = sign = subscribe = deliver = None
        if stage == Stage.RESERVATION:
            reserve = 6 if owner.username == "rep.liu" else 2  # rep.liu's reservation expires tomorrow
        elif stage == Stage.SUBSCRIPTION:
            subscribe = 4 + rep_index
            reserve = subscribe + 3
        elif stage in (Stage.CONTRACT, Stage.WON):
            sign = {Stage.CONTRACT: 40, "contract_older": 75, Stage.WON: 300}[step] + rep_index
            subscribe, reserve = sign + 7, sign + 10
            deliver = 20 + rep_index if stage == Stage.WON else None
        cancelled = stage == Stage.LOST and owner.username == "rep.emma"  # lost after a cancelled reservation
        if cancelled:
            reserve = 65
        if reserve is not None:
            anchor = reserve
        elif stage == Stage.LOST:
            anchor = 60
        else:
            anchor = 3 + 4 * index
        visits = {Stage.LEAD: 1, Stage.VISITED: 2}.get(stage, 3)
        for position, pre in enumerate(PRE_DEAL[:visits]):
            gap = (
                10 * (visits - position) if reserve is not None or stage == Stage.LOST else 7 * (visits - 1 - position)
            )
            history.append((pre, self.at(anchor + gap, 9 + position)))
        reserved_at = None
        if reserve is not None:
            reserved_at = self.now - datetime.timedelta(days=reserve, hours=2)
            if stage == Stage.RESERVATION and owner.username == "rep.liu":
                tomorrow = timezone.make_aware(datetime.datetime.combine(self.day(-1), datetime.time(18)))
                reserved_at = tomorrow - datetime.timedelta(days=settings.reservation_days)
            history.append((Stage.RESERVATION, reserved_at))
        if subscribe is not None:
            history.append((Stage.SUBSCRIPTION, self.at(subscribe, 15)))
        if sign is not None:
            history.append((Stage.CONTRACT, self.at(sign, 16)))
        if deliver is not None:
            history.append((Stage.WON, self.at(deliver, 11)))
        if stage == Stage.LOST:
            history.append((Stage.LOST, self.at(anchor - 5 if cancelled else anchor, 17)))
        if reserve is not None:
            unit = pool.pop()
        lost_to = competitors[0] if stage == Stage.LOST and competitors else None
        final_stage, final_at = history[-1]
        opportunity = Opportunity.objects.create(
            customer=customer,
            project=customer.project,
            owner=owner,
            team=team,
            stage=final_stage,
            stage_changed_at=final_at,
            unit=unit,
            expected_amount=unit.list_price if unit else Decimal(rng.choice([3_500_000, 5_800_000, 8_200_000])),
            campaign=leads.get(customer.pk),
            lost_reason=lost_reasons[rep_index % len(lost_reasons)] if stage == Stage.LOST and lost_reasons else None,
            lost_to=lost_to,
            lost_note="Chose a bigger flat at a lower price" if stage == Stage.LOST else "",
            note="Wants a south-facing three-bedroom near the school" if index % 3 == 0 else "",
            closed_at=final_at if final_stage in Opportunity.CLOSED_STAGES else None,
        )
        Opportunity.objects.filter(pk=opportunity.pk).update(created_at=history[0][1])
        previous = ""
        changes = []
        for to_stage, at in history:
            changes.append(
                StageChange(opportunity=opportunity, from_stage=previous, to_stage=to_stage, at=at, by=owner)
            )
            previous = to_stage
        StageChange.objects.bulk_create(changes)
        if lost_to is not None:
            CompetitorMove.objects.create(
                customer=customer,
                competitor=lost_to,
                direction=CompetitorMove.Direction.OUT,
                opportunity=opportunity,
                note="Signed at Golden Bay after the price cut",
                by=owner,
            )
        if stage == Stage.LEAD and index == 0 and len(competitors) > 1:
            CompetitorMove.objects.create(
                customer=customer,
                competitor=competitors[1],
                direction=CompetitorMove.Direction.IN,
                opportunity=opportunity,
                note="Visited Sky Garden first; found it too far from the metro",
                by=owner,
            )
        if unit is not None:
            deal = self.deal(opportunity, unit, step, reserved_at, subscribe, sign, deliver, cancelled, settings)
        return deal

    def deal(self, opportunity, unit, step, reserved_at, subscribe, sign, deliver, cancelled, settings) -> Deal:
        owner = opportunity.owner
        deal = Deal(
            opportunity=opportunity,
            unit=unit,
            customer=opportunity.customer,
            project=opportunity.project,
            owner=owner,
            deposit=Decimal("50000"),
            reserved_at=reserved_at,
            expires_at=reserved_at + datetime.timedelta(days=settings.reservation_days),
            list_price=unit.list_price,
        )
        status = Unit.Status.RESERVED
        if cancelled:
            deal.state = Deal.State.CANCELLED
            deal.cancelled_at = opportunity.stage_changed_at
            deal.cancelled_by = owner
            deal.cancel_reason = "Customer chose a competing project"
            status = Unit.Status.AVAILABLE
        if subscribe is not None:
            pending = step == Stage.SUBSCRIPTION and owner.username == "rep.zhang"
            discount = Decimal("0.045") if pending else Decimal("0.015")
            deal.stage = Deal.Stage.SUBSCRIPTION
            deal.price = (unit.list_price * (1 - discount)).quantize(Decimal("1000"))
            deal.payment_method = (
                Deal.PaymentMethod.INSTALLMENTS if step == Stage.CONTRACT else Deal.PaymentMethod.MORTGAGE
            )
            deal.approval = Deal.Approval.PENDING if pending else Deal.Approval.NOT_NEEDED
            deal.subscribed_on = self.day(subscribe)
            status = Unit.Status.SUBSCRIBED
        if sign is not None:
            self.contract_no += 1
            deal.stage = Deal.Stage.CONTRACT
            deal.signed_on = self.day(sign)
            deal.contract_no = f"DEMO-{opportunity.project.code.upper()}-{self.contract_no:04d}"
            status = Unit.Status.CONTRACTED
        if deliver is not None:
            deal.state = Deal.State.DELIVERED
            deal.delivered_on = self.day(deliver)
            status = Unit.Status.DELIVERED
        deal.save()
        unit.status = status
        unit.status_changed_at = None if status == Unit.Status.AVAILABLE else opportunity.stage_changed_at
        unit.save(update_fields=["status", "status_changed_at"])
        if sign is not None:
            self.schedule(deal, step)
        return deal

    def schedule(self, deal: Deal, step: str) -> None:
        """Contract payment schedules: the first rep's newer contract has the overdue line, the third's a refund."""
        price, signed = deal.price, deal.signed_on
        owner = deal.owner
        down = (price * Decimal("0.30")).quantize(Decimal("1"))
        if step == Stage.CONTRACT:  # installments: down payment, then two installments
            second = (price * Decimal("0.35")).quantize(Decimal("1"))
            lines = [
                (Installment.Kind.DOWN_PAYMENT, 0, down),
                (Installment.Kind.INSTALLMENT, 30, second),
                (Installment.Kind.INSTALLMENT, 120, price - down - second),
            ]
        else:  # mortgage (or the delivered contract): down payment, then the bank
            lines = [(Installment.Kind.DOWN_PAYMENT, 0, down), (Installment.Kind.MORTGAGE, 60, price - down)]
        for sequence, (kind, offset, amount) in enumerate(lines, start=1):
            due_on = signed + datetime.timedelta(days=offset)
            line = Installment.objects.create(
                deal=deal,
                project=deal.project,
                owner=owner,
                kind=kind,
                sequence=sequence,
                due_on=due_on,
                amount=amount,
            )
            if due_on >= self.today or (owner.username == "rep.liu" and step == Stage.CONTRACT and sequence == 2):
                continue  # not due yet, or the one overdue line
            method = Payment.Method.MORTGAGE if kind == Installment.Kind.MORTGAGE else Payment.Method.TRANSFER
            payments = [(amount, due_on, False, f"BANK-{deal.pk:05d}-{sequence}")]
            if owner.username == "rep.emma" and step == "contract_older" and sequence == 1:
                later = min(due_on + datetime.timedelta(days=1), self.today)
                payments += [
                    (Decimal("50000"), later, False, "Duplicate transfer"),
                    (
                        Decimal("-50000"),
                        min(later + datetime.timedelta(days=2), self.today),
                        True,
                        "Duplicate transfer returned",
                    ),
                ]
            for amount_paid, received_on, is_refund, reference in payments:
                Payment.objects.create(
                    installment=line,
                    project=deal.project,
                    owner=owner,
                    amount=amount_paid,
                    is_refund=is_refund,
                    received_on=received_on,
                    method=method,
                    reference=reference,
                    by=owner,
                )
            line.received = sum((paid for paid, *_rest in payments), ZERO)
            line.save(update_fields=["received"])

    # ------------------------------------------------------------ promises, partners, leasing

    def promises(self, deals) -> None:
        plans = [
            ("rep.liu", Stage.CONTRACT, Promise.Topic.PARKING, "电梯旁车位一个，按2025年价格", 3, Promise.Status.OPEN),
            ("rep.emma", "contract_older", Promise.Topic.DELIVERY, "Keys handed over before the Spring Festival", 20, Promise.Status.BROKEN),
            ("rep.zhang", Stage.CONTRACT, Promise.Topic.DECORATION, "厨房电器与样板间同品牌", 10, Promise.Status.KEPT),
            ("rep.sun", Stage.SUBSCRIPTION, Promise.Topic.SCHOOL, "协助办理小学入学申请", None, Promise.Status.OPEN),
        ]  # fmt: skip
        for username, step, topic, content, days, status in plans:
            deal = deals.get((username, step))
            if deal is None:
                continue
            due_on = None
            if days is not None:
                due_on = self.today + datetime.timedelta(days=days) if status == Promise.Status.OPEN else self.day(days)
            closed = status != Promise.Status.OPEN
            closer = self.users["lead.south" if username in ("rep.emma", "rep.sun") else "lead.north"]
            Promise.objects.create(
                customer=deal.customer,
                deal=deal,
                project=deal.project,
                promised_by=deal.owner,
                topic=topic,
                content=content,
                due_on=due_on,
                status=status,
                evidence="合同补充协议第3条" if topic != Promise.Topic.SCHOOL else "发给客户的微信消息",
                closed_at=self.now - datetime.timedelta(days=2) if closed else None,
                closed_by=closer if closed else None,
                close_note={Promise.Status.BROKEN: "Delivery slipped to April", Promise.Status.KEPT: "已安装"}.get(
                    status, ""
                ),
            )

    def registrations(self, partner: Partner, deals, settings) -> None:
        by = partner.users.first()
        days = settings.partner_protection_days
        project = self.projects.get("emerald-lake") or next(iter(self.projects.values()))
        PartnerRegistration.objects.get_or_create(
            partner=partner,
            phone="13700001111",
            defaults={
                "project": project,
                "customer_name": "陈先生 Mr Chen",
                "registered_at": self.now - datetime.timedelta(days=3),
                "protected_until": self.now + datetime.timedelta(days=days - 3),
                "by": by,
            },
        )
        deal = deals.get(("rep.sun", "contract_older"))
        if deal is None:
            return
        registered = self.now - datetime.timedelta(days=(self.today - deal.signed_on).days + 20)
        registration, _created = PartnerRegistration.objects.get_or_create(
            partner=partner,
            phone=deal.customer.phone,
            defaults={
                "project": deal.project,
                "customer_name": deal.customer.name,
                "customer": deal.customer,
                "status": PartnerRegistration.Status.CONVERTED,
                "registered_at": registered,
                "protected_until": registered + datetime.timedelta(days=days),
                "by": by,
            },
        )
        rule = CommissionRule.objects.filter(partner=partner, active=True).first()
        if rule is not None and not hasattr(deal, "commission"):
            amount = (deal.price * rule.rate_pct / 100 + rule.fixed_amount).quantize(Decimal("0.01"))
            Commission.objects.create(partner=partner, registration=registration, deal=deal, amount=amount)

    def lease(self, homes) -> None:
        """A shop let to one of rep.sun's customers since three months ago, rent paid up to this month."""
        owner = self.users["rep.sun"]
        unit = (
            Unit.objects.filter(project__code="riverside-one", for_lease=True, status=Unit.Status.AVAILABLE)
            .order_by("number")
            .first()
        )
        tenant = Customer.objects.filter(owner=owner).order_by("-id").first()
        if unit is None or tenant is None:
            return
        start = (self.today.replace(day=1) - datetime.timedelta(days=80)).replace(day=1)
        lease = Lease.objects.create(
            unit=unit,
            project=unit.project,
            tenant=tenant,
            owner=owner,
            starts_on=start,
            ends_on=start.replace(year=start.year + 3) - datetime.timedelta(days=1),
            monthly_rent=unit.monthly_rent,
            deposit=unit.monthly_rent * 2,
            rent_day=5,
            signed_on=start - datetime.timedelta(days=10),
        )
        unit.status = Unit.Status.LEASED
        unit.status_changed_at = self.at((self.today - start).days)
        unit.save(update_fields=["status", "status_changed_at"])
        lines = [(Installment.Kind.DEPOSIT, lease.signed_on, lease.deposit)]
        month = start
        while month <= self.today.replace(day=1) + datetime.timedelta(days=31):
            lines.append((Installment.Kind.RENT, month.replace(day=5), lease.monthly_rent))
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        for sequence, (kind, due_on, amount) in enumerate(lines, start=1):
            line = Installment.objects.create(
                lease=lease,
                project=unit.project,
                owner=owner,
                kind=kind,
                sequence=sequence,
                due_on=due_on,
                amount=amount,
            )
            if due_on <= self.today:
                Payment.objects.create(
                    installment=line,
                    project=unit.project,
                    owner=owner,
                    amount=amount,
                    received_on=due_on,
                    reference=f"RENT-{lease.pk}-{sequence}",
                    by=owner,
                )
                line.received = amount
                line.save(update_fields=["received"])


PRE_DEAL = [Stage.LEAD, Stage.VISITED, Stage.INTENDING]
PRE_DEAL_STEPS = (*PRE_DEAL, Stage.LOST)
