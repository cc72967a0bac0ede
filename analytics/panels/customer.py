"""The analytics section of the customer 360 page: the newest scores and the reasons behind each."""

from analytics.selectors.scores import customer_scores
from customers import sections


def analytics_section(customer, user) -> dict | None:
    if not user.has_perm("analytics.view_customerscore"):
        return None
    return customer_scores(customer=customer, user=user)


sections.register("analytics", "analytics/_customer_section.html", analytics_section, order=60)
