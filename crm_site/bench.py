"""Benchmark scenarios for `manage.py bench`: named requests run in-process with the test client.

Each app may have a `bench.py` that calls `register()`; the command imports them all. A scenario names the role
it runs as and where its requests come from:

- `draw(user, rng, n)`: a page that takes an id or a search term draws its inputs from the data, per run, with the
  command's fixed seed (PERFORMANCE.md, "Draw the inputs, don't fix them"): random visible ids across the whole
  distribution, phone and name fragments of real files. It returns up to `n` `Input`s (or plain URLs); an input's
  `groups` name the strata the report also shows on their own ("with payments", "heaviest decile").
- `url(user)`: a page without an input (a list, my day, a report) is the same URL every run.

`min_distinct` is how many distinct inputs the draw must give on small data (tests/crm_site/test_bench.py keeps
every drawing scenario to it), so a scenario cannot quietly go back to measuring one record.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Input:
    url: str
    groups: tuple[str, ...] = ()


@dataclass
class Scenario:
    name: str
    role: str
    url: Callable | None = None  # (user) -> str, or None when the data lacks what it needs
    headers: dict = field(default_factory=dict)
    api: bool = False  # authenticate with a bearer token instead of the session
    note: str = ""
    draw: Callable | None = None  # (user, rng, n) -> list[Input | str]
    min_distinct: int = 1

    def inputs(self, user, rng: random.Random, n: int) -> list[Input]:
        """`n` inputs (fewer when the data has fewer), or none when the data lacks what the page needs."""
        if self.draw is None:
            url = self.url(user) if self.url is not None else None
            return [Input(url)] * n if url else []
        drawn = self.draw(user, rng, n)
        return [item if isinstance(item, Input) else Input(item) for item in drawn if item]


SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> None:
    SCENARIOS[scenario.name] = scenario


def rng_for(name: str, seed: int) -> random.Random:
    """The scenario's own generator: the same draws for the same seed, whatever else runs before it."""
    return random.Random(f"{seed}:{name}")  # noqa: S311 -- reproducible draws, not secrets


def sample_ids(queryset, rng: random.Random, n: int, column: str = "pk") -> list:
    """`n` values of `column` from random rows of `queryset`, across the whole id range (with repeats when the
    set is small).

    Each draw picks a random id between the lowest and the highest and takes the first row at or after it: one
    indexed query per draw, whatever the table's size (ORDER BY random() would read every row of a million).
    """
    bounds = queryset.order_by().values_list("pk", flat=True)
    low = bounds.order_by("pk").first()
    if low is None:
        return []
    high = bounds.order_by("-pk").first()
    values = []
    for _ in range(n):
        start = rng.randint(low, high)
        row = queryset.filter(pk__gte=start).order_by("pk").values_list(column, flat=True).first()
        if row is None:
            row = queryset.filter(pk__lt=start).order_by("-pk").values_list(column, flat=True).first()
        if row is not None:
            values.append(row)
    return values


register(Scenario("home.my_day", "sales_rep", lambda user: "/"))
register(Scenario("staff.list", "sales_manager", lambda user: "/staff/"))
register(Scenario("staff.teams", "executive", lambda user: "/staff/teams/"))
register(Scenario("api.staff.list", "executive", lambda user: "/api/v1/staff/", api=True))
register(Scenario("healthz", "sales_rep", lambda user: "/healthz/"))
