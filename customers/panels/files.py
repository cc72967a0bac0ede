"""My-day panels of customer files: follow-ups due, and files about to lapse to the public pool."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from customers import pool
from customers.models import Customer, LevelPolicy
from customers.selectors import followups_due


def followups(user) -> list[myday.PanelItem]:
    today = timezone.localdate()
    rows = followups_due(user=user)[: myday.MAX_ITEMS + 1]
    return [
        myday.PanelItem(
            title=row.customer.name,
            url=row.customer.get_absolute_url(),
            detail=f"{row.next_step} · {row.next_due:%Y-%m-%d}",
            when=row.next_due,
            urgent=row.next_due < today,
        )
        for row in rows
    ]


def lapsing(user) -> list[myday.PanelItem]:
    """The user's files whose protection ends within their level's warning window (never those the pool keeps:
    buyers, owners, key accounts, live deals ...)."""
    now = timezone.now()
    policies = LevelPolicy.for_all_levels()
    rows = (
        pool.lapsing(Customer.objects.filter(owner=user), now=now, warn=True)
        .only("id", "name", "level")
        .order_by("last_touch")[: myday.MAX_ITEMS + 1]
    )
    items = []
    for customer in rows:
        ends = customer.last_touch + datetime.timedelta(days=policies[customer.level].protection_days)
        days = max(0, (ends - now).days)
        items.append(
            myday.PanelItem(
                title=customer.name,
                url=customer.get_absolute_url(),
                detail=_("goes to the pool in %(days)d days unless you follow up") % {"days": days},
                urgent=days <= 2,
            )
        )
    return items


myday.register("followups", followups)
myday.declare(
    "lapsing",
    gettext_lazy("Protection ending soon"),
    "hourglass-split",
    gettext_lazy("None of your customers is about to go to the pool."),
    15,
    permission="customers.add_customer",
)
myday.register("lapsing", lapsing)
