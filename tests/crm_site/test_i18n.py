"""Both languages ship complete: every message has a Chinese translation, and pages switch language."""

import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgid", "msgstr", "fuzzy"} (msgstr of plurals joined)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        entry, current = {"msgid": "", "msgstr": "", "fuzzy": False}, None
        for line in lines:
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            elif line.startswith("msgid ") or line.startswith("msgid_plural "):
                current = "msgid"
                entry["msgid"] += re.sub(r'^msgid(_plural)? "(.*)"$', r"\2", line)
            elif line.startswith("msgstr"):
                current = "msgstr"
                entry["msgstr"] += re.sub(r'^msgstr(\[\d+\])? "(.*)"$', r"\2", line)
            elif line.startswith('"') and current:
                entry[current] += line[1:-1]
        entries.append(entry)
    return entries


def test_every_message_has_a_chinese_translation():
    entries = [entry for entry in po_entries(LOCALE / "zh_Hans/LC_MESSAGES/django.po") if entry["msgid"]]
    assert len(entries) > 500
    untranslated = [entry["msgid"] for entry in entries if not entry["msgstr"]]
    fuzzy = [entry["msgid"] for entry in entries if entry["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    for entry in po_entries(LOCALE / "zh_Hans/LC_MESSAGES/django.po"):
        if not entry["msgid"]:
            continue
        wanted = set(re.findall(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}", entry["msgid"]))
        assert set(re.findall(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}", entry["msgstr"])) == wanted, entry["msgid"]


def test_the_compiled_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("My day") == "我的一天"
        assert translation.pgettext("customer status", "Owner") == "业主"
        assert translation.pgettext("customer field", "Owner") == "负责人"


@pytest.mark.parametrize(("language", "words"), [("en", ["My day", "Customers"]), ("zh-hans", ["我的一天", "客户"])])
def test_pages_render_in_the_chosen_language(client, rep, language, words):
    client.force_login(rep)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get("/").text
    for word in words:
        assert word in page
    assert f'lang="{language}"' in page
