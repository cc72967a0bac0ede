"""The Chinese interface is complete: no template shows English text that is not marked for translation, and no
page rendered in Chinese shows an English message of our own catalogue (a string marked but translated at import
time, a lazy string forced too early, a msgid the .po lacks, a translation outside the active language ...).

The second check walks every page of the URL walk (tests/crm_site/test_urlwalk.py) in zh-hans as a rep and as an
administrator, and compares each text of the page (text nodes, titles, placeholders, labels) with the msgids."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.crm_site.test_i18n import LOCALE
from tests.crm_site.test_urlwalk import get, walk_data, walk_urls  # noqa: F401  (walk_data is a fixture)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
MARKED_BLOCKS = re.compile(
    r"{%\s*(comment|blocktranslate|blocktrans)\b.*?{%\s*end(?:comment|blocktranslate|blocktrans)\s*%}", re.S
)
WORD = re.compile(r"[A-Za-z]{2,}")
ACRONYM = re.compile(r"^[A-Z]{2,5}$")  # CSV, PDF, EN: the same in both languages
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VERBATIM = ("script", "style", "code", "pre", "kbd")


class PageTexts(HTMLParser):
    """The texts a reader sees: text nodes and the attributes read out or shown on hover."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.verbatim = 0
        self.foreign: list[str] = []  # open elements in another language by design (lang="en" on "English")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in VERBATIM:
            self.verbatim += 1
        if attrs.get("lang") and not attrs["lang"].startswith("zh") and tag != "html":
            self.foreign.append(tag)
        if not self.foreign:
            self.texts.extend(value for name, value in attrs.items() if name in TEXT_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in VERBATIM:
            self.verbatim = max(0, self.verbatim - 1)
        if self.foreign and self.foreign[-1] == tag:
            self.foreign.pop()

    def handle_data(self, data):
        if not self.verbatim and not self.foreign and data.strip():
            self.texts.append(" ".join(data.split()))


def texts_of(html: str) -> list[str]:
    parser = PageTexts()
    parser.feed(html)
    return parser.texts


def unmarked_strings(template_source: str) -> list[str]:
    """English words a template shows outside {% translate %} / {% blocktranslate %} and template variables."""
    source = TEMPLATE_TAGS.sub(" ", MARKED_BLOCKS.sub(" ", template_source))
    found = []
    for text in texts_of(source):
        words = [word for word in re.findall(r"[A-Za-z][A-Za-z']+", text) if not ACRONYM.match(word)]
        if words:
            found.append(text)
    return found


def project_templates() -> list[Path]:
    paths = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return sorted(path for path in paths if ".venv" not in path.parts and "node_modules" not in path.parts)


def test_the_template_check_sees_an_unmarked_string():
    """Negative control for the check below."""
    source = '{% load i18n %}<th>{% translate "Name" %}</th><th title="Sort">Phone number</th><td>{{ row.name }}</td>'
    assert unmarked_strings(source) == ["Sort", "Phone number"]


def test_every_template_string_is_marked_for_translation():
    templates = project_templates()
    assert len(templates) > 100
    failures = [
        f"{path.relative_to(ROOT)}: {text!r}" for path in templates for text in unmarked_strings(path.read_text())
    ]
    assert not failures, "Mark these for translation:\n" + "\n".join(failures)


# --- pages rendered in Chinese --------------------------------------------------------------------------------


def catalogue_english() -> set[str]:
    """Our msgids a Chinese page must not show: those with a different Chinese text and no placeholder."""
    text = (LOCALE / "zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    wanted = set()
    for block in text.split("\n\n"):
        if block.startswith("#~") or "msgid_plural" in block:
            continue
        msgid = (
            "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[-1].split("msgstr", 1)[0]))
            if "msgid " in block
            else ""
        )
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr ", 1)[-1])) if "msgstr " in block else ""
        if not msgid or msgid == msgstr or not WORD.search(msgid) or re.search(r"%\(|%[sd]|\{\{|\\n", msgid):
            continue
        wanted.add(msgid.replace('\\"', '"'))
    return wanted


def english_on_page(html: str, catalogue: set[str]) -> set[str]:
    shown = set()
    for text in texts_of(html):
        for part in [text, *text.split(" · ")]:
            part = part.strip().rstrip(":：").strip()
            if part in catalogue:
                shown.add(part)
    return shown


def test_the_page_check_sees_an_english_message():
    catalogue = catalogue_english()
    assert {"Follow-ups due", "Save contact"} <= catalogue
    html = '<h1>我的一天</h1><div class="card-header">Follow-ups due</div><button title="Save contact">保存</button>'
    assert english_on_page(html, catalogue) == {"Follow-ups due", "Save contact"}


@pytest.mark.parametrize("role", ["rep", "admin_user"])
def test_chinese_pages_show_no_english_message_of_the_catalogue(walk_data, role):  # noqa: F811
    # The cast's usernames are data that may equal a msgid ("rep").
    catalogue = catalogue_english() - {user.username for user in walk_data["people"].values()}
    client = Client()
    client.force_login(walk_data["people"][role])
    client.cookies["django_language"] = "zh-hans"
    failures, pages = [], 0
    for name, path in walk_urls(walk_data):
        if path.startswith(("/api/", "/admin/")):
            continue
        response, error = get(client, path)
        if error or response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        assert "<html" not in html or '<html lang="zh-hans">' in html, path  # fragments have no <html>
        if shown := english_on_page(html, catalogue):
            failures.append(f"{name} {path}: {sorted(shown)}")
    assert pages > 40
    assert not failures, f"English on Chinese pages as {role}:\n" + "\n".join(failures)
