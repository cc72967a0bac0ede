"""The rules of the public pool (公海): when an owner's protection of a file lapses, and which files never lapse.

The pool is for prospects nobody follows up. A file stays with its owner while it is a key account, a buyer or an
owner (Customer.status), or while another app says so: each app registers a condition with `pool_keep_register`
(sales: a live reservation, subscription, contract or lease, a channel partner's live protection). customers
never imports those apps; the nightly job and the "about to lapse" panel read the same `keep_q()`.

Protection runs from the latest of: the last logged contact, the start of the current ownership, and the last
activity another app reported through `customers.services.customers_touch` (a stage move, a reservation, a
contract, a payment).
"""

import datetime
from collections.abc import Callable

from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from customers.models import Customer, LevelPolicy

KeepCondition = Callable[[datetime.datetime], Q]
_KEEPERS: list[KeepCondition] = []


def pool_keep_register(condition: KeepCondition) -> None:
    """Add `condition(now) -> Q over Customer`: files it matches never lapse to the pool (use indexed EXISTS)."""
    if condition not in _KEEPERS:
        _KEEPERS.append(condition)


def keep_q(now: datetime.datetime | None = None) -> Q:
    """Files the pool never takes: key accounts, buyers and owners, and whatever the apps registered."""
    now = now or timezone.now()
    q = Q(key_account=True) | Q(status__in=[Customer.Status.BUYER, Customer.Status.OWNER])
    for condition in _KEEPERS:
        q |= condition(now)
    return q


# The latest of the last contact, the start of the current ownership (a claim or hand-over starts a fresh
# protection period) and the last activity other apps reported (touched_at). A rep's files are indexed in this
# order on PostgreSQL (customers migration 0013, customer_owner_touch_idx: the same expression; change both).
LAST_TOUCH = Greatest(
    Coalesce("last_contact_at", "owned_since", "created_at"),
    Coalesce("owned_since", "last_contact_at", "created_at"),
    Coalesce("touched_at", "last_contact_at", "owned_since", "created_at"),
)


def with_last_touch(queryset):
    """Annotate `last_touch` (LAST_TOUCH)."""
    return queryset.annotate(last_touch=LAST_TOUCH)


def lapse_q(now: datetime.datetime | None = None, *, warn: bool = False) -> Q:
    """Files whose last touch is older than their level's protection period (with `warn`: that enter the
    warning window before it). Needs `with_last_touch`."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for level, policy in LevelPolicy.for_all_levels().items():
        days = policy.protection_days - (policy.warn_days if warn else 0)
        q |= Q(level=level, last_touch__lt=now - datetime.timedelta(days=days))
    return q


def lapsing(queryset=None, *, now: datetime.datetime | None = None, warn: bool = False):
    """Owned files of `queryset` (default: all) that lapse now (or, with `warn`, soon), with `last_touch`."""
    now = now or timezone.now()
    queryset = Customer.objects.all() if queryset is None else queryset
    owned = queryset.filter(owner__isnull=False).exclude(keep_q(now))
    return with_last_touch(owned).filter(lapse_q(now, warn=warn))
