from crm_site import masking
from crm_site.search import PER_SECTION, SearchHit
from customers import selectors
from customers.models import Customer


def customer_hits(user, query: str) -> list[SearchHit]:
    # One character is a surname: its hits all start with it, and "newest first" lets PostgreSQL stop at the
    # tenth (ordered by name, it would walk the name index past every other surname first).
    ordering = ("name",) if len(query.strip()) >= selectors.MIN_NAME_FRAGMENT else ("-created_at", "-id")
    customers = list(
        Customer.objects.visible_to(user)
        .filter(selectors.search_q(query))
        .select_related("owner")
        .order_by(*ordering)[:PER_SECTION]
    )
    masking.reveal(user, customers, ("phone",), purpose="list")
    return [
        SearchHit(
            customer.name, customer.get_absolute_url(), f"{customer.shown['phone']} · {customer.get_level_display()}"
        )
        for customer in customers
    ]
