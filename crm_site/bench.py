"""Benchmark scenarios for `manage.py bench`: named requests run in-process with the test client.

Each app may have a `bench.py` that calls `register()`; the command imports them all. A scenario
names the role it runs as and builds its URL from the data (so it works on demo or bench data).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Scenario:
    name: str
    role: str
    url: Callable  # (user) -> str, or None when the data lacks what it needs
    headers: dict = field(default_factory=dict)
    api: bool = False  # authenticate with a bearer token instead of the session
    note: str = ""


SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> None:
    SCENARIOS[scenario.name] = scenario


def _first_team_id(user):
    from crm_site.models import Team

    team = Team.objects.visible_to(user).order_by("id").first()
    return team.pk if team else None


register(Scenario("home.my_day", "sales_rep", lambda user: "/"))
register(Scenario("staff.list", "sales_manager", lambda user: "/staff/"))
register(Scenario("staff.teams", "executive", lambda user: "/staff/teams/"))
register(Scenario("api.staff.list", "executive", lambda user: "/api/v1/staff/", api=True))
register(Scenario("healthz", "sales_rep", lambda user: "/healthz/"))
