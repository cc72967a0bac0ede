"""My-day panel of ownership: the open conflicts (撞单) a manager has to decide, oldest first."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_site import myday
from customers.selectors import ownership as selectors


def conflicts_open(user) -> list[myday.PanelItem]:
    rows = selectors.conflicts_to_decide(user=user)[: myday.MAX_ITEMS + 1]
    return [
        myday.PanelItem(
            title=conflict.customer.name,
            url=conflict.get_absolute_url(),
            detail=_("claimed by %(claimant)s on %(day)s")
            % {
                "claimant": conflict.claimant.get_full_name() or conflict.claimant.username,
                "day": f"{timezone.localtime(conflict.claimed_at):%Y-%m-%d}",
            },
            when=conflict.claimed_at,
        )
        for conflict in rows
    ]


myday.declare(
    "conflicts",
    gettext_lazy("Open conflicts"),
    "people",
    gettext_lazy("No conflict is waiting for your decision."),
    11,
    permission=selectors.MANAGE,
    counter=lambda user: selectors.conflicts_to_decide(user=user).count(),
)
myday.register("conflicts", conflicts_open)
