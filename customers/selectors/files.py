"""Reads of customer files, always through the viewer's scope."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, Exists, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith
from django.utils import timezone

from crm_site import customfields
from crm_site.pagination import KeyedRows
from customers import footprint
from customers.identity import phone_digits
from customers.models import Customer, CustomerPhone, Interaction, PurchaseIntent

ENTITY = "customer"
SENSITIVE_FIELDS = Customer.sensitive_fields
SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "contact": ("last_contact_at", "id"),
    "-contact": ("-last_contact_at", "-id"),
    "level": ("level", "-created_at", "-id"),
}
MIN_NAME_FRAGMENT = 2  # shorter (one character, a surname such as "赵"): a prefix of the name, see _prefix_q
# Shorter fragments give pg_trgm no trigram (a 2-character name would scan a million rows): they match as a prefix
# of the name, of its pinyin or of the pinyin initials, each on its own B-tree (migration 0010).
SHORT_FRAGMENT = 3


def search_q(query: str) -> Q:
    """Match a name (or its pinyin), email or ID number, or any part (3+ digits) of any of a file's phone numbers."""
    return _search(query)[0]


def _search(query: str) -> tuple[Q, bool]:
    """search_q(), and whether it matches at most SEARCH_ID_LIMIT files (+1 by ID number): a phone fragment or a
    whole name in pinyin resolved to an id list."""
    query = query.strip()
    digits = phone_digits(query)
    if len(digits) >= 3 and len(digits) >= len(query.replace(" ", "").replace("-", "").replace("+", "")) - 1:
        # Any part of any of a file's numbers, served by the trigram index on PostgreSQL.
        matches = CustomerPhone.objects.filter(number__contains=digits).values_list("customer_id", flat=True)
        # A selective fragment becomes an id list (page and count use the primary key); a very common one stays
        # a subquery, so ordering stays exact.
        ids = _id_list(matches)
        phone_q = Q(pk__any=ids) if ids is not None else Q(pk__in=matches)
        if len(query) >= 15 and len(digits) >= 14:  # a mainland ID number (17 digits + digit or X)
            phone_q = Q(id_number=query.upper()) | phone_q
        return phone_q, ids is not None
    if "@" in query:
        return Q(email__iexact=query), False
    letters = query.replace(" ", "").lower()
    pinyin = letters.isascii() and letters.isalpha()
    if len(query) < SHORT_FRAGMENT:
        # "赵", "赵伟" (a whole two-character name), "li" (a surname, or a name in Latin letters), "lw" (initials)
        return (_prefix_q(query) | _pinyin_q(letters)) if pinyin and len(letters) == 2 else _prefix_q(query), False
    if not pinyin:
        return Q(name__icontains=query), False
    name_q = Q(name__icontains=query) | _pinyin_q(letters)  # perhaps pinyin
    if len(letters) >= PINYIN_WHOLE_NAME:
        # A whole name in pinyin matches few files, but through common trigrams ("ang", "ing") that take the
        # index a while: look them up once, not again for the count.
        ids = _id_list(Customer.objects.filter(name_q).values_list("pk", flat=True))
        if ids is not None:
            return Q(pk__any=ids), True
    return name_q, False


def _prefix_q(fragment: str) -> Q:
    """Names starting with `fragment` (one character: "赵", a surname), as a case-sensitive LIKE 'x%' that the
    customer_name_prefix_idx index serves on PostgreSQL (ILIKE / UPPER() could not use it); a letter is looked
    up in both cases."""
    q = Q(name__startswith=fragment)
    for variant in {fragment.lower(), fragment.upper(), fragment.capitalize()} - {fragment}:
        q |= Q(name__startswith=variant)
    return q


def _pinyin_q(letters: str) -> Q:
    """Files whose name reads `letters` in pinyin: 刘伟 for "liuwei", "liu wei", "wei" or its initials "lw"."""
    if len(letters) >= 3:
        return Q(name_pinyin__contains=letters)
    # Two letters give no trigram: a surname ("li") at the start, or the initials ("lw"), each a prefix on its index.
    return Q(name_pinyin__startswith=letters) | Q(StartsWith(Initials("name_pinyin"), letters))


class Initials(Func):
    """The initials in a stored pinyin ("liuwei lw" -> "lw"): on PostgreSQL the expression of
    customer_initials_prefix_idx, written out the same so the planner matches it."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="substr(%(expressions)s, instr(%(expressions)s, ' ') + 1)")

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="split_part(%(expressions)s, ' ', 2)")


SEARCH_ID_LIMIT = 1000
PINYIN_WHOLE_NAME = 6  # letters: two syllables or more; "liu", "wang", "zhang" match thousands


def _id_list(matches: QuerySet) -> list | None:
    """The customer ids in `matches` (one query), or None when there are more than SEARCH_ID_LIMIT."""
    ids = list(matches[: SEARCH_ID_LIMIT + 1])
    return ids if len(ids) <= SEARCH_ID_LIMIT else None


def customer_list(
    *,
    user,
    search: str = "",
    owner=None,
    team=None,
    level: str = "",
    status: str = "",
    source: str = "",
    project=None,
    tag: str = "",
    district: str = "",
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    contact_from: datetime.date | None = None,
    contact_to: datetime.date | None = None,
    quiet_days: int | None = None,
    budget_min=None,
    rooms: int | None = None,
    custom: dict | None = None,
    sort: str = "-created",
    keyed: bool = False,
    extra: list[Q] | None = None,
) -> QuerySet[Customer] | KeyedRows:
    """The files `user` may see, filtered and sorted. With `keyed`, a search bounded to an id list (a phone
    fragment, a whole name in pinyin) comes back as KeyedRows: its ordered ids in one narrow query, so a paginator counts them and
    loads only its page's rows."""
    customers = Customer.objects.visible_to(user).select_related("owner")
    bounded = False
    if search:
        search_filter, bounded = _search(search)
        customers = customers.filter(search_filter)
    if owner:
        customers = customers.filter(owner=owner)
    for field, value in (
        ("team", team),
        ("level", level),
        ("status", status),
        ("source", source),
        ("project", project),
    ):
        if value:
            customers = customers.filter(**{field: value})
    if tag:
        customers = customers.filter(Q(tags__contains=[tag]) if _json_contains() else Q(tags__icontains=f'"{tag}"'))
    if district:
        customers = customers.filter(Q(district__icontains=district) | Q(work_district__icontains=district))
    if created_from:
        customers = customers.filter(created_at__date__gte=created_from)
    if created_to:
        customers = customers.filter(created_at__date__lte=created_to)
    if contact_from:
        customers = customers.filter(last_contact_at__date__gte=contact_from)
    if contact_to:
        customers = customers.filter(last_contact_at__date__lte=contact_to)
    if quiet_days:
        since = timezone.now() - datetime.timedelta(days=quiet_days)
        customers = customers.filter(
            Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True, created_at__lt=since)
        )
    if budget_min is not None or rooms:
        # Only the newest intent counts: an older one that matched is history.
        latest = PurchaseIntent.objects.filter(customer=OuterRef("customer")).order_by("-recorded_at", "-id")
        intents = PurchaseIntent.objects.filter(pk=Subquery(latest.values("pk")[:1]))
        if budget_min is not None:
            intents = intents.filter(budget_max__gte=budget_min)
        if rooms:
            intents = intents.filter(rooms=rooms)
        customers = customers.filter(Exists(intents.filter(customer=OuterRef("pk"))))
    customers = customfields.filter_records(customers, ENTITY, custom)
    for condition in extra or ():  # filters other apps add (customers.listfilters)
        customers = customers.filter(condition)
    customers = customers.order_by(*SORTS.get(sort, SORTS["-created"]))
    if keyed and bounded:
        # Scope and filters are in the keys; the page's rows are then looked up by primary key alone.
        return KeyedRows(customers.values_list("pk", flat=True), Customer.objects.select_related("owner"))
    return customers


def _json_contains() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def customer_get(*, user, pk: int) -> Customer:
    """The customer `pk` if `user` may see it; raises Customer.DoesNotExist otherwise."""
    return Customer.objects.visible_to(user).select_related("owner", "team", "project", "referrer").get(pk=pk)


def customer_page_get(*, user, pk: int) -> Customer:
    """customer_get() with what the file has (customers.footprint) for the 360 page."""
    customer = customer_get(user=user, pk=pk)
    footprint.load(customer)
    return customer


def customer_by_identity(*, phone: str = "", id_number: str = "") -> Customer | None:
    """The existing file with this normalised phone (any of its numbers) or ID number, whoever owns it."""
    if phone:
        row = CustomerPhone.objects.filter(number=phone).select_related("customer__owner").first()
        if row is not None:
            return row.customer
    if id_number:
        return Customer.objects.filter(id_number=id_number).select_related("owner").first()
    return None


def pool_list(*, user) -> QuerySet[Customer]:
    """Files in the public pool the user may claim or oversee: their own team's, the teams they reach, and
    files of no team; everything for global scopes."""
    from crm_site.scope import reach, staff_profile

    pool = Customer.objects.in_pool().select_related("team").order_by("-last_contact_at", "-id")
    covered = reach(user)
    if covered.everything:
        return pool
    profile = staff_profile(user)
    team_ids = set(covered.team_ids) | ({profile.team_id} if profile and profile.team_id else set())
    return pool.filter(Q(team_id__in=sorted(team_ids)) | Q(team__isnull=True))


def followups_due(*, user, until: datetime.date | None = None) -> QuerySet[Interaction]:
    """Open next steps of the user due on or before `until` (default today), oldest first."""
    until = until or timezone.localdate()
    return (
        Interaction.objects.filter(staff=user, next_done=False, next_due__lte=until)
        .exclude(customer__owner__isnull=True)  # a file that went to the pool is no longer this user's to follow
        .select_related("customer")
        .order_by("next_due", "id")
    )


def next_steps(*, customer_ids) -> dict[int, Interaction]:
    """Per customer, the open next step due first (one query for a page of customers)."""
    found: dict[int, Interaction] = {}
    rows = (
        Interaction.objects.filter(customer_id__in=customer_ids, next_done=False, next_due__isnull=False)
        .exclude(next_step="")
        .only("customer_id", "next_step", "next_due")
        .order_by("customer_id", "next_due", "id")
    )
    for row in rows:
        found.setdefault(row.customer_id, row)
    return found


# --- the timeline of a customer: interactions, intents, conflicts, and whatever other apps add ----


@dataclass
class TimelineEvent:
    when: datetime.datetime
    kind: str  # a short key for the icon: interaction, intent, conflict, deal, ticket, member ...
    title: str
    detail: str = ""
    actor: object = None
    url: str = ""


TIMELINE_PROVIDERS: list[Callable] = []


def timeline_register(provider: Callable) -> None:
    """Add `provider(customer, limit) -> list[TimelineEvent]` (other apps: deals, tickets, membership)."""
    if provider not in TIMELINE_PROVIDERS:
        TIMELINE_PROVIDERS.append(provider)


def timeline(*, customer: Customer, limit: int = 30) -> list[TimelineEvent]:
    """The newest `limit` events about `customer` from every registered source, newest first."""
    events = []
    for provider in TIMELINE_PROVIDERS:
        events.extend(provider(customer, limit))
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:limit]


def _interaction_events(customer, limit):
    rows = Interaction.objects.filter(customer=customer).select_related("staff").order_by("-occurred_at", "-id")[:limit]
    events = []
    for row in rows:
        detail = row.summary
        if row.outcome:
            detail += f" → {row.outcome}"
        if row.next_step:
            detail += f" · {row.next_step} ({row.next_due:%Y-%m-%d})" if row.next_due else f" · {row.next_step}"
        title = f"{row.get_channel_display()} · {row.get_direction_display()}"
        events.append(TimelineEvent(row.occurred_at, "interaction", title, detail, row.staff))
    return events


def _intent_events(customer, limit):
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from crm_site import formatting

    if not footprint.has(customer, "intents"):
        return []
    rows = (
        PurchaseIntent.objects.filter(customer=customer).select_related("recorded_by").order_by("-recorded_at")[:limit]
    )
    events = []
    for row in rows:
        parts = []
        if row.area_min or row.area_max:
            parts.append(formatting.span(row.area_min, row.area_max, "m²"))
        if row.rooms:
            parts.append(ngettext("%(rooms)d room", "%(rooms)d rooms", row.rooms) % {"rooms": row.rooms})
        if row.budget_min or row.budget_max:
            parts.append(_("budget %(range)s") % {"range": formatting.wan_range(row.budget_min, row.budget_max)})
        parts.extend(row.priority_labels())
        events.append(
            TimelineEvent(row.recorded_at, "intent", _("Purchase intent recorded"), " · ".join(parts), row.recorded_by)
        )
    return events


def _conflict_events(customer, limit):
    from django.utils.translation import gettext as _

    if not footprint.has(customer, "conflicts"):
        return []
    rows = customer.conflicts.select_related("claimant").order_by("-claimed_at")[:limit]
    return [
        TimelineEvent(
            row.claimed_at,
            "conflict",
            _("Claimed by another rep (%(status)s)") % {"status": row.get_status_display()},
            row.reason,
            row.claimant,
            row.get_absolute_url(),
        )
        for row in rows
    ]


timeline_register(_interaction_events)
timeline_register(_intent_events)
timeline_register(_conflict_events)
