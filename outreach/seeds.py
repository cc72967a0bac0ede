"""Outreach in the demo (after customers and sales: it writes to their buyers). The 100,000-message measurement has
its own command: `manage.py bench_outreach` (README: Outreach)."""

from crm_site import seeding


def demo(options, stdout) -> None:
    from outreach import demo

    demo.seed(stdout)


seeding.register("outreach", 60, demo=demo)
