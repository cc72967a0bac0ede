"""Existing ledger entries whose reason is a system text (in English or Chinese, as the request or job that wrote it
spoke) get its code and parameters, so they too read in the viewer's language. Typed reasons, and texts that match
no known reason, keep their text (LedgerEntry.reason_text falls back to it). The texts are frozen here as they
were written: the English msgids and their zh_Hans translations at the time of this migration."""

import re

from django.db import migrations
from django.db.models import Q

# code -> the texts it was written as; a `{name}` is a parameter.
WRITTEN = {
    "redeemed": ["Redeemed: {benefit}", "兑换：{benefit}"],
    "redemption_cancelled": ["Redemption cancelled: {reason}", "兑换已取消：{reason}"],
    "profile_completed": ["Profile completed", "完善资料"],
    "survey_answered": ["Answered a satisfaction survey", "填写了满意度问卷"],
    "attended_event": ["Attended {event}", "参加了 {event}"],
    "referral_signed": ["Referral of {name} signed a contract", "推荐的 {name} 已签约"],
    "referred_contract_cancelled": ["Referred contract cancelled", "被推荐人的合同已退房"],
    "contract_signed": ["Contract {no} signed", "合同 {no} 签约"],
    "contract_cancelled": ["Contract {no} cancelled", "合同 {no} 已退房"],
    "points_expired": ["Points expired", "积分过期"],
    "welcome": ["Welcome"],  # the demo data's welcome points
}
PARAMETER = re.compile(r"\{(\w+)\}")
BATCH = 1000


def _pattern(text: str) -> str:
    """`text` as an anchored regular expression that Python, SQLite (Django's REGEXP) and PostgreSQL read alike."""
    parts = PARAMETER.split(text)  # literal, name, literal, name, ..., literal
    literal = [re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)" for index, part in enumerate(parts)]
    return "^" + "".join(literal) + "$"


PATTERNS = [(code, _pattern(text)) for code, texts in WRITTEN.items() for text in texts]
COMPILED = [(code, re.compile(pattern, re.DOTALL)) for code, pattern in PATTERNS]


def _db_pattern(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(", pattern)  # PostgreSQL has no named groups


def code_of(reason: str) -> tuple[str, dict] | None:
    for code, pattern in COMPILED:
        match = pattern.match(reason)
        if match is None:
            continue
        params = match.groupdict()
        if code == "redemption_cancelled":
            inner = code_of(params["reason"])
            if inner is not None and inner[0] == "referred_contract_cancelled":
                params["reason"] = {"code": inner[0], "params": inner[1]}
        return code, params
    return None


def backfill(apps, schema_editor):
    LedgerEntry = apps.get_model("members", "LedgerEntry")
    matches = Q()
    for _code, pattern in PATTERNS:
        matches |= Q(reason__regex=_db_pattern(pattern))
    # An adjustment's reason and the API's are typed by a person, whatever they say: they keep their text.
    typed = Q(kind="adjust") | Q(key__startswith="api:")
    rows = LedgerEntry.objects.filter(matches, reason_code="").exclude(typed).only("id", "reason").order_by("id")
    changed = []
    for entry in rows.iterator(chunk_size=BATCH):
        found = code_of(entry.reason)
        if found is None:
            continue
        entry.reason_code, entry.reason_params = found
        changed.append(entry)
        if len(changed) >= BATCH:
            LedgerEntry.objects.bulk_update(changed, ["reason_code", "reason_params"])
            changed = []
    if changed:
        LedgerEntry.objects.bulk_update(changed, ["reason_code", "reason_params"])


class Migration(migrations.Migration):
    dependencies = [("members", "0005_ledger_reason_codes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
