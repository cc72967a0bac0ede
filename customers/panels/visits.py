"""My-day panels of the visits pages (registered from customers.apps)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from crm_site.myday import PanelItem, register
from customers.selectors import visits as selectors_visits


def visits_today(user) -> list[PanelItem]:
    """The user's visits still to make today, in route order (by district)."""
    if not user.has_perm("customers.view_visitplan"):
        return []
    today = timezone.localdate()
    url = f"{reverse('customers:visit-plan')}?{urlencode({'day': today.isoformat()})}"
    return [
        PanelItem(
            title=plan.customer.name,
            url=url,
            detail=" · ".join(part for part in (plan.customer.district, plan.purpose) if part),
            when=plan.planned_for,
        )
        for plan in selectors_visits.today_route(user=user, day=today)
    ]


register("visits", visits_today)
