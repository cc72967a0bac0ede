"""Benchmark scenarios of customer files: lists, searches over drawn terms, and the 360 page over drawn files.

The 360 page is drawn across the distribution: random visible files, the heaviest decile (by the rows the page
shows), and the strata other apps register with `stratum()` (sales: files with an opportunity, a deal, payments).
Other apps add to a file's weight with `weight()` (sales: stage changes, deals, payments).
"""

from collections.abc import Callable

from crm_site.bench import Input, Scenario, register, sample_ids

STRATA: dict[str, Callable] = {}  # group name -> (user, rng, n) -> customer ids
WEIGHTS: list[Callable] = []  # (customer ids) -> {customer id: rows the 360 page reads}
RANDOM_GROUP = "random files"
HEAVY_GROUP = "heaviest decile"


def stratum(group: str, draw: Callable) -> None:
    """Files of a kind the 360 page must be measured on, e.g. "with payments": `draw(user, rng, n)` -> ids."""
    STRATA[group] = draw


def weight(count: Callable) -> None:
    if count not in WEIGHTS:
        WEIGHTS.append(count)


def _visible(user):
    from customers.models import Customer

    return Customer.objects.visible_to(user)


def _interaction_weight(ids) -> dict:
    from django.db.models import Count

    from customers.models import Interaction

    rows = Interaction.objects.filter(customer_id__in=ids).values("customer_id").annotate(n=Count("id"))
    return {row["customer_id"]: row["n"] for row in rows.order_by()}


weight(_interaction_weight)


def heaviest(user, rng, n: int) -> list[int]:
    """About `n` files of the heaviest decile: the top tenth, by weight, of 10 × n random visible files."""
    pool = list(dict.fromkeys(sample_ids(_visible(user), rng, 10 * n)))
    totals = dict.fromkeys(pool, 0)
    for count in WEIGHTS:
        for pk, rows in count(pool).items():
            totals[pk] = totals.get(pk, 0) + rows
    return sorted(pool, key=lambda pk: (-totals[pk], pk))[: max(1, len(pool) // 10)]


def draw_files(user, rng, n: int) -> list[Input]:
    """Random visible files (40%), the heaviest decile (20%) and each registered stratum (the rest, shared)."""
    visible = _visible(user)
    inputs = [Input(f"/customers/{pk}/", (RANDOM_GROUP,)) for pk in sample_ids(visible, rng, n * 2 // 5)]
    inputs += [Input(f"/customers/{pk}/", (HEAVY_GROUP,)) for pk in heaviest(user, rng, n // 5)]
    share = (n - len(inputs)) // max(1, len(STRATA))
    for group, draw in sorted(STRATA.items()):
        ids = [pk for pk in draw(user, rng, share) if visible.filter(pk=pk).exists()]
        inputs += [Input(f"/customers/{pk}/", (group,)) for pk in ids]
    missing = n - len(inputs)
    if missing > 0:
        inputs += [Input(f"/customers/{pk}/", (RANDOM_GROUP,)) for pk in sample_ids(visible, rng, missing)]
    rng.shuffle(inputs)
    return inputs


def _rows(user, rng, n, columns=("name",)) -> list[tuple]:
    """`columns` of `n` random files `user` may see."""
    from customers.models import Customer

    ids = sample_ids(_visible(user), rng, n)
    found = Customer.objects.in_bulk(ids)
    return [tuple(getattr(found[pk], column) for column in columns) for pk in ids if pk in found]


def _search(path: str, terms) -> list[str]:
    from urllib.parse import urlencode

    return [f"{path}?{urlencode({'q': term})}" for term in terms if term]


def phone_tails(user, rng, n, path="/customers/"):
    """The last four digits (尾号) of random files' numbers: what a rep usually types."""
    return _search(path, [phone[-4:] for (phone,) in _rows(user, rng, n, ("phone",)) if len(phone) >= 4])


def phone_fragments(user, rng, n, path="/customers/"):
    """4 to 7 digits from a random place in random files' numbers (the carrier prefix included: many matches)."""
    terms = []
    for (phone,) in _rows(user, rng, n, ("phone",)):
        if len(phone) >= 4:
            size = rng.randint(4, min(7, len(phone)))
            start = rng.randint(0, len(phone) - size)
            terms.append(phone[start : start + size])
    return _search(path, terms)


def full_names(user, rng, n, path="/customers/"):
    return _search(path, [name for (name,) in _rows(user, rng, n)])


def name_fragments(size: int, path: str = "/customers/"):
    """Fragments of `size` characters of random names: the start for one and two (a surname, a surname and the
    first given character: what short searches match), anywhere in the name for three."""

    def draw(user, rng, n):
        terms = []
        for (name,) in _rows(user, rng, n):
            if len(name) < size:
                continue
            start = 0 if size < 3 else rng.randint(0, len(name) - size)
            terms.append(name[start : start + size])
        return _search(path, terms)

    return draw


def pinyin_terms(kind: str):
    """A random name typed in pinyin: the whole name ("liuwei"), the surname ("liu") or the initials ("lw")."""

    def draw(user, rng, n):
        terms = []
        for name, pinyin in _rows(user, rng, n, ("name", "name_pinyin")):
            if not pinyin:
                continue
            whole, _, initials = pinyin.partition(" ")
            if kind == "whole":
                terms.append(whole)
            elif kind == "initials":
                terms.append(initials)
            else:
                from customers.pinyin import name_pinyin

                terms.append(name_pinyin(name[0]).partition(" ")[0])
        return _search("/customers/", terms)

    return draw


def _pick(draw, min_distinct=5):
    return {"draw": draw, "min_distinct": min_distinct}


register(Scenario("customers.list.rep", "sales_rep", lambda user: "/customers/"))
register(Scenario("customers.list.executive", "executive", lambda user: "/customers/"))
register(Scenario("customers.list.filtered", "sales_manager", lambda user: "/customers/?level=A&status=intending"))
register(Scenario("customers.search.phone", "executive", note="last 4 digits", **_pick(phone_tails)))
register(Scenario("customers.search.phone_fragment", "executive", note="4-7 digits", **_pick(phone_fragments)))
register(Scenario("customers.search.name", "executive", note="full name", **_pick(full_names)))
register(Scenario("customers.search.name1", "executive", note="1 character", **_pick(name_fragments(1))))
register(Scenario("customers.search.name1.rep", "sales_rep", note="1 character", **_pick(name_fragments(1))))
register(Scenario("customers.search.name2", "executive", note="2 characters", **_pick(name_fragments(2))))
register(Scenario("customers.search.name3", "executive", note="3 characters", **_pick(name_fragments(3))))
register(
    Scenario("customers.search.global1", "executive", note="/search/, 1 char", **_pick(name_fragments(1, "/search/")))
)
register(Scenario("customers.search.pinyin", "executive", note="whole name", **_pick(pinyin_terms("whole"))))
register(Scenario("customers.search.initials", "executive", note="pinyin initials", **_pick(pinyin_terms("initials"))))
register(Scenario("customers.search.surname_pinyin", "executive", note="surname pinyin", **_pick(pinyin_terms("sur"))))
register(Scenario("customers.detail", "sales_rep", note="360 page, the rep's files", **_pick(draw_files, 10)))
register(Scenario("customers.detail.executive", "executive", note="360 page, all files", **_pick(draw_files, 10)))
register(Scenario("api.customers.list", "sales_rep", lambda user: "/api/v1/customers/", api=True))
register(
    Scenario(
        "api.customers.detail",
        "sales_rep",
        api=True,
        **_pick(lambda user, rng, n: [f"/api/v1/customers/{pk}/" for pk in sample_ids(_visible(user), rng, n)]),
    )
)
