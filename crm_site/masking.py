"""Sensitive fields (phone, ID number, income): masked unless the viewer may see them; every unmasked
view is written to the access log.

A viewer sees a record's sensitive fields when their role has `crm_site.view_sensitive`, or when
they own the record (a rep must be able to call their own customer). Either way the view is logged.
One field may be opened to a further permission (`allow_field("phone", "service.call_customer")`: service
staff must call the buyers they serve, yet see no ID number or income); those views are logged too.
"""

from django.db import connections, router
from django.utils import timezone

from crm_site.models import AccessLog

SENSITIVE_PERMISSION = "crm_site.view_sensitive"


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; +8613812345678 → +86138****5678; short values keep only the last 2."""
    if not value:
        return ""
    prefix = ""
    if value.startswith("+86"):
        prefix, value = "+86", value[3:]
    if len(value) >= 7:
        return prefix + value[:3] + "*" * (len(value) - 7) + value[-4:]
    return prefix + "*" * max(0, len(value) - 2) + value[-2:]


def mask_id_number(value: str) -> str:
    """110101199003071234 → 110101********1234 (region kept, birth date hidden)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_text(value) -> str:
    return "****" if value not in (None, "") else ""


MASKERS = {"phone": mask_phone, "id_number": mask_id_number}


FIELD_PERMISSIONS: dict[str, list[str]] = {}


def allow_field(field: str, permission: str) -> None:
    """Holders of `permission` see `field` unmasked (on records in their scope), whatever else is masked."""
    permissions = FIELD_PERMISSIONS.setdefault(field, [])
    if permission not in permissions:
        permissions.append(permission)


def may_see_field(user, field: str, obj=None, owner_field: str = "owner_id") -> bool:
    """Whether `user` sees this one field of `obj` unmasked."""
    if may_see(user, obj, owner_field):
        return True
    return user.is_authenticated and any(user.has_perm(permission) for permission in FIELD_PERMISSIONS.get(field, ()))


def may_see(user, obj=None, owner_field: str = "owner_id") -> bool:
    """Whether `user` sees `obj`'s sensitive fields unmasked."""
    if not user.is_authenticated:
        return False
    if user.has_perm(SENSITIVE_PERMISSION):
        return True
    return obj is not None and getattr(obj, owner_field, None) == user.pk


def masked(field: str, value) -> str:
    return MASKERS.get(field, mask_text)(value) if value not in (None, "") else ""


def reveal(user, objects, fields, *, purpose: str = AccessLog.Purpose.VIEW, request=None, owner_field="owner_id"):
    """Set `obj.shown[field]` to the value or its mask for each object; log the unmasked ones.

    `obj.sensitive_visible` tells whether every sensitive field is open, `obj.unmasked[field]` each field.

    One INSERT for the whole batch, whatever the number of objects.
    """
    logs = []
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    for obj in objects:
        visible = may_see(user, obj, owner_field)
        obj.shown = {}
        obj.sensitive_visible = visible
        obj.unmasked = {}
        revealed = []
        for field in fields:
            value = getattr(obj, field, "")
            field_visible = visible or may_see_field(user, field, obj, owner_field)
            obj.unmasked[field] = field_visible
            if field_visible:
                obj.shown[field] = "" if value is None else value
                if value not in (None, ""):
                    revealed.append(field)
            else:
                obj.shown[field] = masked(field, value)
        if revealed:
            logs.append((obj._meta.label_lower, str(obj.pk), ",".join(revealed)))
    if logs:
        _write_logs(user, logs, purpose, ip)
    return objects


def _write_logs(user, logs: list[tuple[str, str, str]], purpose: str, ip) -> None:
    """The batch's access-log rows, (model, object id, fields) each, in one INSERT. A list page logs 25 rows on
    every view: model instances and bulk_create's field-by-field preparation cost more than the statement."""
    connection = connections[router.db_for_write(AccessLog)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ("at", "user_id", "model", "object_id", "fields", "purpose", "ip"))
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for model, object_id, fields in logs:
        params += [at, user.pk, model, object_id, fields, str(purpose), ip]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(logs))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(AccessLog._meta.db_table)} ({columns}) VALUES {rows}", params)  # noqa: S608


def access_log_purge(*, days: int | None = None, chunk: int = 10_000) -> int:
    """Delete access-log rows older than `days` (ACCESS_LOG_RETENTION_DAYS; 0 keeps everything), oldest first in
    chunks of `chunk` rows, each its own short statement (the log is written by every unmasked page). Returns how
    many rows went."""
    import datetime

    from django.conf import settings

    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = 0
    while True:
        ids = list(AccessLog.objects.filter(at__lt=cutoff).order_by("at").values_list("pk", flat=True)[:chunk])
        if not ids:
            return deleted
        deleted += AccessLog.objects.filter(pk__in=ids)._raw_delete(AccessLog.objects.db)


def mask_changes(entries, fields) -> list:
    """Audit entries with the before/after values of sensitive `fields` masked (for viewers who may not see them)."""
    for entry in entries:
        changes = dict(entry.changes)
        for field in fields:
            if field in changes:
                value = changes[field]
                changes[field] = (
                    [masked(field, part) for part in value] if isinstance(value, list) else masked(field, value)
                )
        entry.changes = changes
    return entries
