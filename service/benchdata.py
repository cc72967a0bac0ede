"""Bench service data: service staff, tickets (20 % open) and certificate cases — shaped by arithmetic on row
numbers and loaded by COPY (crm_site.benchdata), after the sales bench data.

    manage.py seed_bench ... --tickets 500000

Staff: one service manager and 20 agents in a "Bench Service" department, each agent serving 10 projects.
Tickets: two in three belong to a contract (its customer, unit and project), the rest to any customer. Open ones
have their SLA fields computed from their opening time; the breached ones were escalated already except the
newest few hundred, which the escalation job then finds. Closed ones resolved after their deadline (about one in
nine) were escalated when they breached, so two years of escalations are there (the owners' churn label reads them). Certificate cases: one per contract, in a stage by its
signing date; the bench's grid building gets a first registration.
"""

import datetime
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from crm_site.benchdata import analyze, copy_rows, indexes_dropped
from crm_site.models import StaffProfile, Team
from crm_site.roles import assign_role
from crm_site.seeding import BENCH_PASSWORD
from sales.models import Deal, Project

NULL = r"\N"
AGENTS = 20
PROJECTS_PER_AGENT = 10
TICKET_COLUMNS = [
    "kind", "channel", "customer_id", "project_id", "unit_id", "deal_id", "category_id", "priority", "subject",
    "description", "status", "assignee_id", "team_id", "created_at", "updated_at", "first_response_at",
    "resolved_at", "closed_at", "response_target", "resolution_target", "response_due_at", "resolution_due_at",
    "warn_at", "sla_used", "paused_at", "escalated_at", "created_by_id", "promise_id",
]  # fmt: skip
CASE_COLUMNS = [
    "deal_id", "customer_id", "project_id", "building_id", "unit_id", "mortgage", "stage_id", "stage_since",
    "stage_due", "deadline", "responsible_id", "finished_on", "letter_consent", "language",
]  # fmt: skip
KINDS = ["complaint", "repair", "repair", "inquiry", "suggestion", "praise"]
CHANNELS = ["phone", "phone", "walk_in", "email", "web", "wechat", "api", "status_page"]
PRIORITIES = [("urgent", 60, 480), ("high", 120, 960), ("normal", 240, 2400), ("normal", 240, 2400), ("low", 480, 4800)]
OPEN_STATUSES = ["new", "assigned", "in_progress", "in_progress", "waiting"]
UNESCALATED = 300  # breached tickets the escalation job still has to escalate


def mix(n: int, salt: int = 0) -> int:
    return (n * 2654435761 + salt * 40503) % 4294967291


def ts(value: datetime.datetime) -> str:
    return value.isoformat()


def staff() -> tuple[list, list, int]:
    """The bench service department: (agents, their project id lists)."""
    User = get_user_model()
    projects = list(Project.objects.order_by("id").values_list("id", flat=True))
    manager, created = User.objects.get_or_create(username="bench.service.manager")
    if created:
        manager.password = make_password(BENCH_PASSWORD)
        manager.save()
    team, _created = Team.objects.get_or_create(
        name="Bench Service", parent=None, defaults={"kind": Team.Kind.DEPARTMENT, "manager": manager}
    )
    assign_role(manager, "service_manager")
    StaffProfile.objects.filter(user=manager).update(team=team)
    agents, served = [], []
    for n in range(AGENTS):
        user, created = User.objects.get_or_create(username=f"bench.service.{n:02d}")
        if created:
            user.password = make_password(BENCH_PASSWORD)
            user.save()
        assign_role(user, "service_agent")
        profile = StaffProfile.objects.get(user=user)
        profile.team = team
        profile.save(update_fields=["team"])
        mine = projects[n * PROJECTS_PER_AGENT : (n + 1) * PROJECTS_PER_AGENT] or projects[:PROJECTS_PER_AGENT]
        profile.projects.set(mine)
        agents.append(user.pk)
        served.append(mine)
    return agents, served, team.pk


def ticket_rows(count: int, *, deals, customers, agents, served, team_id, categories, now):
    project_agent = {}
    for agent, projects in zip(agents, served, strict=True):
        for project in projects:
            project_agent.setdefault(project, agent)
    open_every = 5  # one ticket in five is open
    for i in range(count):
        h = mix(i, 7)
        if i % 3 != 2 and deals:
            customer, unit, project, deal = deals[h % len(deals)]
            unit, deal = str(unit), str(deal)
        else:
            customer, project = customers[h % len(customers)], None
            unit = deal = NULL
            project = deals[h % len(deals)][2] if deals else None
        agent = project_agent.get(project) or agents[h % len(agents)]
        priority, response, resolution = PRIORITIES[h % len(PRIORITIES)]
        is_open = i % open_every == 0
        if is_open:
            age_minutes = (count - i) * 2 % (60 * 24 * 30) + 5  # up to a month old
        else:
            age_minutes = 60 * 24 * 30 + (h % (60 * 24 * 700))
        created = now - datetime.timedelta(minutes=age_minutes)
        # Wall-clock approximation of business time for the bench shape (3 business minutes per 8 wall minutes).
        due = created + datetime.timedelta(minutes=resolution * 8 // 3)
        warn = created + datetime.timedelta(minutes=resolution * 2)
        respond_due = created + datetime.timedelta(minutes=response * 8 // 3)
        status = OPEN_STATUSES[h % len(OPEN_STATUSES)] if is_open else ("closed" if h % 4 else "resolved")
        resolved = closed = first = NULL
        paused = escalated = NULL
        if not is_open:
            done = created + datetime.timedelta(minutes=(h % (resolution * 3)) + 30)
            resolved, first = ts(done), ts(created + datetime.timedelta(minutes=h % (response * 2) + 5))
            closed = ts(done + datetime.timedelta(days=3)) if status == "closed" else NULL
            if done > due:  # breached before it was resolved: the escalation job escalated it then
                escalated = ts(due + datetime.timedelta(minutes=5))
        elif status == "waiting":
            paused = ts(created + datetime.timedelta(minutes=age_minutes // 2))
        elif due < now and i < count - UNESCALATED * open_every:
            escalated = ts(due + datetime.timedelta(minutes=5))
        yield (
            KINDS[h % len(KINDS)], CHANNELS[h % len(CHANNELS)], str(customer), str(project) if project else NULL,
            unit, deal, str(categories[h % len(categories)]), priority, f"Bench ticket {i}", "", status,
            str(agent) if status != "new" else NULL, str(team_id), ts(created), ts(created), first, resolved, closed,
            str(response), str(resolution), ts(respond_due), ts(due), ts(warn), str(min(age_minutes, resolution)),
            paused, escalated, NULL, NULL,
        )  # fmt: skip


def case_rows(contracts, stages, *, responsible_by_project, today):
    regular = [stage for stage in stages if not stage[2]]
    for deal, customer, project, building, unit, method, signed in contracts:
        h = mix(deal, 3)
        stage_id, _order, _mortgage, days = regular[h % len(regular)]
        since = (signed or today) + datetime.timedelta(days=h % 400)
        since = min(since, today)
        deadline = (signed or today) + datetime.timedelta(days=720)
        finished = since if stage_id == regular[-1][0] and h % 2 else None
        yield (
            str(deal), str(customer), str(project), str(building), str(unit), "t" if method == "mortgage" else "f",
            str(stage_id), since.isoformat(), (since + datetime.timedelta(days=days)).isoformat(), deadline.isoformat(),
            str(responsible_by_project.get(project)) if responsible_by_project.get(project) else NULL,
            finished.isoformat() if finished else NULL, "t" if h % 3 else "f", "en" if h % 10 == 0 else "zh-hans",
        )  # fmt: skip


def generate(*, tickets: int, log=print) -> None:
    from django.apps import apps

    from service.defaults import ensure_defaults
    from service.models import Category, CertificateCase, CertificateStage

    started = time.perf_counter()
    ensure_defaults(apps.get_model)  # categories and certificate stages (a flushed test database has none)
    agents, served, team_id = staff()
    responsible = {project: agent for agent, projects in zip(agents, served, strict=True) for project in projects}
    contracts = list(
        Deal.objects.filter(stage=Deal.Stage.CONTRACT)
        .exclude(state=Deal.State.CANCELLED)
        .order_by("id")
        .values_list("id", "customer_id", "project_id", "unit__building_id", "unit_id", "payment_method", "signed_on")
    )
    deals = [(customer, unit, project, deal) for deal, customer, project, _b, unit, _m, _s in contracts]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM customers_customer ORDER BY id")
        customers = [row[0] for row in cursor.fetchall()]
    categories = list(Category.objects.values_list("id", flat=True))
    now = timezone.now()
    with indexes_dropped("service_ticket"):
        rate = copy_rows(
            "service_ticket",
            TICKET_COLUMNS,
            ticket_rows(
                tickets,
                deals=deals,
                customers=customers,
                agents=agents,
                served=served,
                team_id=team_id,
                categories=categories,
                now=now,
            ),
            total=tickets,
        )
    log(f"tickets: {tickets} ({rate:,.0f} rows/s)")
    stages = list(
        CertificateStage.objects.order_by("order").values_list("id", "order", "mortgage_only", "expected_days")
    )
    done = set(CertificateCase.objects.values_list("deal_id", flat=True))
    todo = [row for row in contracts if row[0] not in done]
    with indexes_dropped("service_certificatecase"):
        copy_rows(
            "service_certificatecase",
            CASE_COLUMNS,
            case_rows(todo, stages, responsible_by_project=responsible, today=timezone.localdate()),
            total=max(1, len(todo)),
        )
    log(f"certificate cases: {len(todo)} (one per contract)")
    analyze("service_ticket", "service_certificatecase")
    log(f"service bench data in {time.perf_counter() - started:.1f}s")
