"""Demo and benchmark data that each app registers in its `seeds.py`; `seed_demo` and `seed_bench` run them in order.

A seed has a name, an order and up to two steps:
- `demo(options, stdout)`: idempotent demo rows for `make run`, inside seed_demo's transaction;
- `bench(options, stdout)`: large generated rows for `manage.py bench`, reading the command-line options that its
  `arguments(parser)` adds to `seed_bench`.
A seed that needs another app's rows orders itself after it (staff need projects, customers need staff).
The foundation imports no domain app: the commands only run what the apps registered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

DEMO_PASSWORD = "estate-demo-2026"  # every demo user's password (README)
BENCH_PASSWORD = "bench-password-2026"  # every bench user's password


@dataclass(frozen=True)
class Seed:
    name: str
    order: int
    demo: Callable | None = None
    bench: Callable | None = None
    arguments: Callable | None = None


SEEDS: dict[str, Seed] = {}


def register(name: str, order: int, *, demo=None, bench=None, arguments=None) -> None:
    SEEDS[name] = Seed(name, order, demo, bench, arguments)


def seeds() -> list[Seed]:
    """Every registered seed, in order (imports each app's `seeds` module once)."""
    autodiscover_modules("seeds")
    return sorted(SEEDS.values(), key=lambda seed: (seed.order, seed.name))
