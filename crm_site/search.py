"""Global search: each app registers a provider `(user, query) -> list[SearchHit]`, already scoped."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 2
PER_SECTION = 10


def too_short(query: str) -> bool:
    """Fewer than MIN_LENGTH characters, except one Chinese character: a surname ("赵") is a common search."""
    query = query.strip()
    return len(query) < MIN_LENGTH and (not query or query.isascii())


@dataclass
class SearchHit:
    title: str
    url: str
    detail: str = ""


@dataclass
class Section:
    title: str
    provider: Callable
    permission: str | None = None


SECTIONS: list[Section] = []


def register(title, provider: Callable, permission: str | None = None) -> None:
    if all(section.provider is not provider for section in SECTIONS):
        SECTIONS.append(Section(title, provider, permission))


def search(user, query: str) -> list[dict]:
    query = query.strip()
    if too_short(query):
        return []
    results = []
    for section in SECTIONS:
        if section.permission and not user.has_perm(section.permission):
            continue
        hits = section.provider(user, query)[:PER_SECTION]
        if hits:
            results.append({"title": section.title, "hits": hits})
    return results


def staff_hits(user, query: str) -> list[SearchHit]:
    from crm_site.models import StaffProfile

    profiles = (
        StaffProfile.objects.visible_to(user)
        .select_related("user", "team")
        .filter(
            Q(user__username__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )[:PER_SECTION]
    )
    return [SearchHit(str(profile), profile.get_absolute_url(), str(profile.team or "")) for profile in profiles]


register(_("Staff"), staff_hits, "crm_site.view_staffprofile")
