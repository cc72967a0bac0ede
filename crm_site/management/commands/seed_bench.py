"""Large generated data for `manage.py bench`: staff in departments and teams, projects, customers.

    manage.py seed_bench --customers 1000000 --interactions 5000000 [--reps 400]

Rows are written with COPY on PostgreSQL (bulk INSERT on SQLite). Staff, teams and projects are
created once and reused; customers are appended. Bench users' password: "bench-password-2026".
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from crm_site.models import StaffProfile, Team
from crm_site.roles import ROLES_BY_CODE, assign_role, sync_roles
from customers import benchdata as customer_data
from sales.models import Project

PASSWORD = "bench-password-2026"
DEPARTMENTS = 4
TEAMS_PER_DEPARTMENT = 5
PROJECTS = 200


class Command(BaseCommand):
    help = "Generate large benchmark data fast (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--reps", type=int, default=400)
        parser.add_argument("--interactions", type=int, default=0)

    def handle(self, *args, customers, reps, interactions, **options):
        started = time.perf_counter()
        sync_roles(grant_missing=True)
        with transaction.atomic():
            project_ids = self.projects()
            rep_rows = self.staff(reps)
        self.stdout.write(f"staff and projects ready: {len(rep_rows)} reps, {len(project_ids)} projects")
        if customers:
            rate, rebuild = customer_data.generate(customers, rep_rows, project_ids)
            self.stdout.write(
                f"customers: {customers:,} rows, COPY at {rate:,.0f} rows/s, indexes rebuilt in {rebuild:.1f} s"
            )
        if interactions:
            rate, rebuild = customer_data.generate_interactions(interactions, rep_rows)
            self.stdout.write(
                f"interactions: {interactions:,} rows, COPY at {rate:,.0f} rows/s, indexes rebuilt in {rebuild:.1f} s"
            )
        self.stdout.write(self.style.SUCCESS(f"seed_bench done in {time.perf_counter() - started:.1f} s"))

    def projects(self) -> list[int]:
        existing = set(Project.objects.filter(code__startswith="bench-").values_list("code", flat=True))
        Project.objects.bulk_create(
            [
                Project(code=f"bench-{n:03d}", name=f"Bench project {n:03d}")
                for n in range(PROJECTS)
                if f"bench-{n:03d}" not in existing
            ]
        )
        return list(Project.objects.filter(code__startswith="bench-").values_list("id", flat=True))

    def staff(self, reps: int) -> list[tuple[int, int | None]]:
        User = get_user_model()
        password = make_password(PASSWORD)

        def person(username, role, team=None):
            user, created = User.objects.get_or_create(username=username, defaults={"password": password})
            if created:
                assign_role(user, role)
                if team is not None:
                    StaffProfile.objects.filter(user=user).update(team=team)
            return user

        person("bench_exec", "executive")
        teams = []
        for d in range(DEPARTMENTS):
            head = person(f"bench_head_{d}", "sales_manager")
            department, _created = Team.objects.get_or_create(
                name=f"Bench department {d}", parent=None, defaults={"kind": Team.Kind.DEPARTMENT, "manager": head}
            )
            StaffProfile.objects.filter(user=head).update(team=department)
            for t in range(TEAMS_PER_DEPARTMENT):
                lead = person(f"bench_lead_{d}_{t}", "sales_manager")
                team, _created = Team.objects.get_or_create(
                    name=f"Bench team {d}-{t}", parent=department, defaults={"manager": lead}
                )
                StaffProfile.objects.filter(user=lead).update(team=team)
                teams.append(team)
        existing = set(User.objects.filter(username__startswith="bench_rep_").values_list("username", flat=True))
        wanted = [f"bench_rep_{n:04d}" for n in range(reps)]
        User.objects.bulk_create([User(username=name, password=password) for name in wanted if name not in existing])
        users = {user.username: user for user in User.objects.filter(username__in=wanted)}
        # Profiles were made by the post_save signal only for users created one by one.
        StaffProfile.objects.bulk_create(
            [StaffProfile(user=user, scope=ROLES_BY_CODE["sales_rep"].scope) for user in users.values()],
            ignore_conflicts=True,
        )
        from django.contrib.auth.models import Group

        group = Group.objects.get(name="sales_rep")
        group.user_set.add(*users.values())
        for offset, team in enumerate(teams):
            members = [users[name].pk for name in wanted[offset :: len(teams)]]
            StaffProfile.objects.filter(user_id__in=members, team__isnull=True).update(team=team)
        return list(
            StaffProfile.objects.filter(user__username__in=wanted)
            .order_by("user__username")
            .values_list("user_id", "team_id")
        )
