"""Reports read far more often than their facts change, cached per period and scope (PERFORMANCE.md).

`cached(namespace, parts, user, compute)` keeps `compute()`'s result under the namespace's current version, the
`parts` the report depends on (the period, the filters), the viewer's reach (who sees the same rows: all
executives share one entry), the language and today's date, for REPORT_CACHE_SECONDS. An app names the models whose writes
change a namespace's facts with `watch(namespace, *models)`: their post_save / post_delete move the namespace
to a new version, so the next read computes afresh. A write that bypasses save() (a bulk update) is seen
when the entry expires.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from crm_site.scope import reach

VERSION_KEY = "report-version:{}"


def version(namespace: str) -> int:
    key = VERSION_KEY.format(namespace)
    current = cache.get(key)
    if current is None:
        cache.add(key, time.time_ns(), None)
        current = cache.get(key, 0)
    return current


def changed(namespace: str) -> None:
    cache.set(VERSION_KEY.format(namespace), time.time_ns(), None)


def reach_key(user) -> str:
    covered = reach(user)
    if covered.everything:
        return "all"
    ids = (sorted(covered.user_ids), sorted(covered.team_ids), sorted(covered.project_ids))
    return hashlib.sha256(repr(ids).encode()).hexdigest()[:32]


def cached(namespace: str, parts: tuple, user, compute):
    """compute()'s result for `user`'s reach and `parts`, from the cache while the facts have not changed."""
    seconds = settings.REPORT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    # The language too: reports carry labels translated when they were computed (lost reasons, stage names).
    raw = repr((namespace, version(namespace), reach_key(user), timezone.localdate(), get_language(), parts))
    key = "report:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, seconds)
    return result


def cached_fragment(namespace: str, parts: tuple, user, template_name: str, context) -> str:
    """`template_name` rendered with `context()` for `user`'s reach and `parts`, from the cache while the facts have
    not changed (same key as `cached` plus the template). A report's tables are mostly markup: rendering 600 rows of
    money took 100 ms a view, computing them from the cache none. The fragment is rendered without the request, so
    it can hold nothing of one viewer's own (a CSRF token, a nonce, a permission test): only the report."""
    return mark_safe(  # noqa: S308 -- the output of a template, escaped there
        cached(namespace, ("html", template_name, *parts), user, lambda: render_to_string(template_name, context()))
    )


def watch(namespace: str, *models, ignore: tuple[str, ...] = ()) -> None:
    """Writes of `models` change the facts of `namespace`; a save that writes only fields in `ignore` does not
    (a login's last_login, a staff member's language: the namespace never reads them)."""
    ignored = frozenset(ignore)

    def bump(sender, update_fields=None, **kwargs):
        if ignored and update_fields and set(update_fields) <= ignored:
            return
        changed(namespace)

    for model in models:
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"reportcache:{namespace}:{model._meta.label}")
        post_delete.connect(
            bump, sender=model, weak=False, dispatch_uid=f"reportcache:{namespace}:{model._meta.label}:d"
        )
