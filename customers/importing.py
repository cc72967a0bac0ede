"""Importing customers from CSV and XLSX: read the file, map columns to fields, validate every row,
then commit all of it or nothing.

The web pages (customers/views/imports.py) and `manage.py import_customers` run the same steps:

    sheet = read(data, filename=name, encoding="auto")
    mapping = guess_mapping(sheet.headers, definitions)
    report = validate(sheet, mapping, by=user)
    if report.ok:
        commit(report, by=user)

Row numbers in the report are the spreadsheet's own: with a header row the first customer is row 2,
so data row n is reported as row n + 1. Blank rows are skipped but keep their numbers.

A cell that the export protected with an apostrophe ('=SUM(A1)) comes back without it
(crm_site.spreadsheets.spreadsheet_text): export → import gives back the exported text.
"""

import datetime
import functools
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_site import customfields
from crm_site.audit import jsonable
from crm_site.models import AuditEntry, CustomField
from crm_site.scope import staff_profile
from crm_site.selectors import assignable_staff
from crm_site.spreadsheets import ENCODINGS, FileRejected, Sheet, column_letter, read_sheet
from crm_site.validators import TEXT_MAX_LENGTH
from customers.identity import FULL_WIDTH, SEPARATORS, normalize_id_number, normalize_phone
from customers.models import Customer, CustomerPhone
from customers.pinyin import name_pinyin
from customers.selectors import ENTITY
from sales.models import Project

__all__ = [
    "ENCODINGS",
    "MAX_ROWS",
    "FileRejected",
    "ImportReport",
    "Sheet",
    "column_letter",
    "commit",
    "guess_mapping",
    "mapping_errors",
    "read",
    "targets",
    "validate",
]

logger = logging.getLogger(__name__)

MAX_ROWS = 100_000
BATCH_SIZE = 2000
LOOKUP_CHUNK = 1000
# Mainland mobiles in phonenumbers' own pattern: a match is exactly what normalize_phone accepts and
# returns unchanged, at a hundredth of the cost. Anything else goes through normalize_phone.
CN_MOBILE = re.compile(
    "(?:" + phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern + ")"
)
LIST_SPLIT = re.compile(r"\s*[;,；，、|]\s*")
DATE_PATTERN = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
HEADER_NOISE = re.compile(r"\(.*?\)|\[.*?]|【.*?】|[\s*_\-:.#()\[\]【】]")


def read(data: bytes, *, filename: str = "", encoding: str = "auto", has_header: bool = True) -> Sheet:
    """The text cells of an uploaded CSV / XLSX (at most MAX_ROWS rows); raises FileRejected with a message."""
    return read_sheet(data, filename=filename, encoding=encoding, has_header=has_header, max_rows=MAX_ROWS)


class CellError(Exception):
    """One cell's value is wrong; `message` says how."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- what a column can be mapped to ------------------------------------------------------------------------

TEXT, EMAIL, PHONE, PHONES, ID, DATE, CHOICE, BOOL, OWNER, PROJECT, TAGS, CUSTOM = range(12)

# Header words (compared after fold_header) that name each field, beyond its own label in both languages.
SYNONYMS = {
    "name": "name fullname customer customername 姓名 客户姓名 客户名称 客户名 名称 名字 客户 联系人",
    "phone": "phone mobile mobilephone mobileno cell cellphone tel telephone phonenumber mobilenumber "
    "手机 手机号 手机号码 电话 电话号码 联系电话 联系方式 移动电话 客户电话 客户手机",
    "other_phones": "otherphones otherphone phone2 landline 其他电话 其他号码 备用电话 座机 固定电话 第二电话",
    "email": "email mail emailaddress 邮箱 电子邮箱 电子邮件 邮件 邮箱地址",
    "id_number": "idnumber idcard idno identitycard identitynumber 身份证 身份证号 身份证号码 证件号 证件号码 身份证件号码",
    "gender": "gender sex 性别",
    "birth_date": "birthdate birthday dateofbirth dob 生日 出生日期 出生年月 出生年月日",
    "kind": "kind type customertype 类型 客户类型 客户类别",
    "district": "district homedistrict area 区域 居住区域 所在区域 片区 区县",
    "address": "address homeaddress 地址 住址 家庭住址 居住地址 联系地址",
    "work_district": "workdistrict 工作区域 工作片区",
    "work_address": "workaddress 工作地址 单位地址 公司地址",
    "income_band": "income incomeband annualincome 收入 年收入 家庭年收入",
    "occupation": "occupation job profession 职业",
    "source": "source sourcechannel channel leadsource 来源 来源渠道 渠道 客户来源",
    "level": "level grade rating customerlevel 级别 等级 客户级别 客户等级",
    "status": "status customerstatus 状态 客户状态",
    "risk_level": "risk risklevel 风险 风险等级",
    "hobbies": "hobbies hobby interests 爱好 兴趣 兴趣爱好",
    "marketing_consent": "marketingconsent consent 营销同意 同意营销 接受营销",
    "notes": "notes note remark remarks comment comments 备注 说明",
    "owner": "owner rep salesrep consultant username 负责人 归属人 置业顾问 销售顾问 顾问 销售 跟进人",
    "project": "project 项目 意向项目 所属项目",
    "tags": "tags tag 标签",
}
# Cell words beyond each choice's value and its labels in both languages.
CHOICE_WORDS = {
    "gender": {"男": "m", "男性": "m", "male": "m", "女": "f", "女性": "f", "female": "f", "未知": ""},
    "kind": {"个人": "individual", "家庭": "family", "企业": "enterprise", "公司": "enterprise"},
    "source": {
        "到访": "walk_in",
        "自然到访": "walk_in",
        "来访": "walk_in",
        "来电": "phone",
        "电话": "phone",
        "网络": "web",
        "网站": "web",
        "转介": "referral",
        "老带新": "referral",
        "推荐": "referral",
        "展会": "exhibition",
        "中介": "agent",
        "渠道": "agent",
        "活动": "campaign",
    },
    "level": {f"{level}级": level for level in "ABCD"},
}
CHOICE_FIELDS = {
    "kind": Customer.Kind,
    "gender": Customer.Gender,
    "income_band": Customer.IncomeBand,
    "source": Customer.Source,
    "level": Customer.Level,
    "status": Customer.Status,
    "risk_level": Customer.Risk,
    "purchasing_power": Customer.Answer,
    "real_need": Customer.Answer,
    "decision_authority": Customer.Answer,
    "suitability": Customer.Answer,
}
FIELD_KINDS = {
    "name": TEXT,
    "phone": PHONE,
    "other_phones": PHONES,
    "email": EMAIL,
    "id_number": ID,
    "kind": CHOICE,
    "gender": CHOICE,
    "birth_date": DATE,
    "district": TEXT,
    "address": TEXT,
    "work_district": TEXT,
    "work_address": TEXT,
    "income_band": CHOICE,
    "occupation": TEXT,
    "source": CHOICE,
    "level": CHOICE,
    "status": CHOICE,
    "risk_level": CHOICE,
    "purchasing_power": CHOICE,
    "real_need": CHOICE,
    "decision_authority": CHOICE,
    "suitability": CHOICE,
    "hobbies": TEXT,
    "tags": TAGS,
    "marketing_consent": BOOL,
    "notes": TEXT,
    "owner": OWNER,
    "project": PROJECT,
}
REQUIRED = {"name", "phone"}
TAGS_MAX = 20


@dataclass(frozen=True)
class Target:
    """A field a column can fill: a Customer field, another phone list, the owner, or a custom field."""

    key: str
    label: str
    kind: int
    required: bool = False
    definition: CustomField | None = None


def targets(definitions: list[CustomField]) -> list[Target]:
    """Everything a column can be mapped to, labelled in the active language."""
    extra_labels = {
        "other_phones": _("Other phones"),
        "owner": _("Owner (username)"),
        "project": _("Project (code or name)"),
        "tags": _("Tags"),
    }
    result = []
    for key, kind in FIELD_KINDS.items():
        label = extra_labels.get(key) or str(Customer._meta.get_field(key).verbose_name)
        result.append(Target(key, label[:1].upper() + label[1:], kind, key in REQUIRED))
    for definition in definitions:
        result.append(
            Target(
                customfields.FORM_PREFIX + definition.key,
                definition.label,
                CUSTOM,
                definition.required,
                definition,
            )
        )
    return result


def fold_header(text: str) -> str:
    """A header reduced for comparison: full-width folded, lower case, no spaces, marks or (remarks)."""
    return HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _in_both_languages(label) -> list[str]:
    names = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.append(str(label))
    return names


def header_words(target_list: list[Target]) -> dict[str, list[str]]:
    """The folded header words that name each target, in both languages."""
    words: dict[str, list[str]] = {}
    for target in target_list:
        if target.definition is not None:
            definition = target.definition
            candidates = [definition.key, target.key, definition.label_en, definition.label_zh]
        else:
            candidates = SYNONYMS.get(target.key, "").split() + [target.key]
            if target.key in FIELD_KINDS and target.key not in ("other_phones", "owner", "project", "tags"):
                candidates += _in_both_languages(Customer._meta.get_field(target.key).verbose_name)
        folded = [fold_header(word) for word in candidates if word]
        words[target.key] = list(dict.fromkeys(word for word in folded if word))
    return words


def guess_mapping(headers: list[str], definitions: list[CustomField]) -> list[str]:
    """A target key for each column ("" = not imported), guessed from the header in English or Chinese.

    An exact name wins; else the longest known word the header ends with (Chinese puts the noun last:
    客户手机号 is a phone), else the longest it contains. Each target takes one column; a second
    phone column becomes the other phones.
    """
    target_list = targets(definitions)
    words = header_words(target_list)
    order = [target.key for target in target_list]
    mapping = [""] * len(headers)
    taken: set[str] = set()

    def best(folded: str, test) -> str:
        found = [
            (len(word), -order.index(key), key)
            for key, key_words in words.items()
            if key not in taken
            for word in key_words
            if test(folded, word)
        ]
        return max(found)[2] if found else ""

    for pass_test in (
        lambda folded, word: folded == word,
        lambda folded, word: len(word) >= 2 and folded.endswith(word),
        lambda folded, word: len(word) >= 2 and word in folded,
    ):
        for index, header in enumerate(headers):
            folded = fold_header(header)
            if mapping[index] or not folded:
                continue
            key = best(folded, pass_test)
            if key == "" and "phone" in taken and "other_phones" not in taken:
                if any(pass_test(folded, word) for word in words["phone"]):
                    key = "other_phones"
            if key:
                mapping[index] = key
                taken.add(key)
    return mapping


def mapping_errors(mapping: list[str], definitions: list[CustomField]) -> list[str]:
    """What is wrong with a mapping: a field mapped twice, a required field not mapped."""
    errors = []
    by_key = {target.key: target for target in targets(definitions)}
    used = [key for key in mapping if key]
    for key in sorted(set(used), key=used.index):
        if used.count(key) > 1 and key in by_key:
            errors.append(_("“%(field)s” is chosen for more than one column.") % {"field": by_key[key].label})
    for key, target in by_key.items():
        if target.required and key not in used:
            errors.append(_("Choose the column that holds “%(field)s”.") % {"field": target.label})
    unknown = [key for key in used if key not in by_key]
    if unknown:
        errors.append(_("Unknown field “%(field)s”.") % {"field": unknown[0]})
    return errors


# --- validating ------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Duplicate:
    row: int
    column: str
    value: str
    other_row: int | None = None  # the earlier row of this file with the same value
    customer_id: int | None = None  # the existing customer, when the importer may see it
    on_file: bool = False  # True: the database has it; False: the file has it twice

    @property
    def message(self) -> str:
        if not self.on_file:
            return _("Also on row %(row)d of this file.") % {"row": self.other_row}
        if self.customer_id:
            return _("Already on file as customer #%(id)d.") % {"id": self.customer_id}
        return _("Already registered by a colleague.")


@dataclass
class PreparedRow:
    row: int
    fields: dict
    custom: dict
    phones: list[str]
    owner_id: int | None
    team_id: int | None


@dataclass
class ImportReport:
    """The outcome of validating every row: what is wrong, what clashes, and the rows ready to write."""

    total: int
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rows: list[PreparedRow] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.errors and not self.duplicates

    @property
    def valid_count(self) -> int:
        return self.total - len(self.invalid_rows)

    @property
    def invalid_count(self) -> int:
        return len(self.invalid_rows)

    def lines(self) -> list[tuple[int, str, str]]:
        """(row, column, message) for every problem, in row order: the per-row report."""
        problems = [(error.row, error.column, error.message) for error in self.errors]
        problems += [(duplicate.row, duplicate.column, duplicate.message) for duplicate in self.duplicates]
        return sorted(problems, key=lambda line: line[0])


def _fold_word(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _choice_lookup(choices, extra: dict[str, str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        for word in [value, *_in_both_languages(label)]:
            lookup.setdefault(_fold_word(word), value)
    for word, value in extra.items():
        lookup.setdefault(_fold_word(word), value)
    lookup.pop("", None)
    return lookup


def _custom_choice_lookup(definition: CustomField) -> dict[str, str]:
    """value, English and Chinese label (whatever the active language) → value."""
    lookup = {}
    for line in definition.choices.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            for word in parts:
                if word:
                    lookup.setdefault(_fold_word(word), parts[0])
    return lookup


def parse_phone(text: str) -> str:
    digits = SEPARATORS.sub("", text.translate(FULL_WIDTH))
    if len(digits) == 11 and CN_MOBILE.fullmatch(digits):
        return digits
    try:
        return normalize_phone(text)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def parse_date(text: str, *, today: datetime.date | None = None) -> datetime.date:
    """A birth date written as 1990-03-07, 1990/3/7, 1990.3.7, 1990年3月7日 or 19900307."""
    match = DATE_PATTERN.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        value = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellError(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text}) from None
    if value.year < 1900 or value > (today or timezone.localdate()):
        raise CellError(_("%(value)s is not a plausible birth date.") % {"value": value.isoformat()})
    return value


class _Parsers:
    """One parse function per target, built once per import from lookups fetched once."""

    def __init__(self, *, by):
        self.by = by
        self._owners = None
        self._projects = None

    def for_target(self, target: Target):
        kind = target.kind
        if kind == TEXT:
            return self._text(target)
        if kind == EMAIL:
            return self._email
        if kind == PHONE:
            return parse_phone
        if kind == PHONES:
            return self._phones
        if kind == ID:
            return self._id_number
        if kind == DATE:
            return functools.partial(parse_date, today=timezone.localdate())
        if kind == CHOICE:
            return self._choice(target.key)
        if kind == BOOL:
            return self._bool
        if kind == OWNER:
            return self._owner
        if kind == PROJECT:
            return self._project
        if kind == TAGS:
            return self._tags
        return self._custom(target.definition)

    @staticmethod
    def _text(target: Target):
        limit = Customer._meta.get_field(target.key).max_length or TEXT_MAX_LENGTH

        def parse(text):
            if len(text) > limit:
                raise CellError(_("Longer than %(count)d characters.") % {"count": limit})
            return text

        return parse

    @staticmethod
    def _email(text):
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(value)s” is not an email address.") % {"value": text}) from None
        return text

    @staticmethod
    def _phones(text):
        numbers = [parse_phone(part) for part in LIST_SPLIT.split(text) if part]
        return list(dict.fromkeys(numbers))

    @staticmethod
    def _id_number(text):
        try:
            return normalize_id_number(text)
        except ValidationError as error:
            raise CellError(error.messages[0]) from None

    @staticmethod
    def _choice(key):
        choices = CHOICE_FIELDS[key]
        lookup = _choice_lookup(choices, CHOICE_WORDS.get(key, {}))
        accepted = ", ".join(str(label) for value, label in choices.choices if value)

        def parse(text):
            value = lookup.get(_fold_word(text))
            if value is None:
                raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": accepted})
            return value

        return parse

    @staticmethod
    def _bool(text):
        word = _fold_word(text)
        if word in customfields.TRUE_WORDS:
            return True
        if word in customfields.FALSE_WORDS:
            return False
        raise CellError(_("“%(value)s” is not yes or no.") % {"value": text})

    @staticmethod
    def _tags(text):
        tags = [tag for tag in LIST_SPLIT.split(text) if tag]
        if len(tags) > TAGS_MAX:
            raise CellError(_("At most %(count)d tags.") % {"count": TAGS_MAX})
        return list(dict.fromkeys(tags))

    def _owner(self, text):
        if self._owners is None:
            self._owners = {}
            by_name: dict[str, list] = {}
            for user in assignable_staff(user=self.by).select_related("staff"):
                entry = (user.pk, user.staff.team_id)
                self._owners[_fold_word(user.get_username())] = entry
                full_name = _fold_word(user.get_full_name())
                if full_name:
                    by_name.setdefault(full_name, []).append(entry)
            for name, entries in by_name.items():
                if len(entries) == 1:
                    self._owners.setdefault(name, entries[0])
        owner = self._owners.get(_fold_word(text))
        if owner is None:
            raise CellError(_("“%(value)s” is not a colleague you may give customers to.") % {"value": text})
        return owner

    def _project(self, text):
        if self._projects is None:
            self._projects = {}
            for pk, code, name in Project.objects.filter(active=True).values_list("pk", "code", "name"):
                self._projects[_fold_word(code)] = pk
                self._projects.setdefault(_fold_word(name), pk)
        project_id = self._projects.get(_fold_word(text))
        if project_id is None:
            raise CellError(_("No active project “%(value)s”.") % {"value": text})
        return project_id

    @staticmethod
    def _custom(definition: CustomField):
        lookup = _custom_choice_lookup(definition) if definition.is_choice else {}
        multi = definition.field_type == CustomField.Type.MULTI_CHOICE

        def parse(text):
            if lookup:
                parts = LIST_SPLIT.split(text) if multi and _fold_word(text) not in lookup else [text]
                text = ";".join(lookup.get(_fold_word(part), part) for part in parts if part)
            try:
                return customfields.parse_text(definition, text)
            except ValidationError as error:
                raise CellError(error.messages[0]) from None

        return parse


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _chunk_size() -> int:
    # Up to ~2,000 values PostgreSQL answers an IN list from the btree in a few ms; larger lists
    # tip it into a sequential scan. SQLite allows 999 parameters per query.
    limit = connection.features.max_query_params
    return min(LOOKUP_CHUNK, limit - 1) if limit else LOOKUP_CHUNK


@contextmanager
def _btree_lookups():
    """On PostgreSQL, keep the IN-list lookups below off bitmap scans for their duration.

    Phone numbers also carry a pg_trgm GIN index (for any-part search). The planner may answer
    `number IN (...)` from it, and with digit-only trigrams that costs ~6 ms per number: 30 s for
    5,000 numbers against 1M phones, instead of 3 ms from the unique btree. GIN is reachable only
    through bitmap scans, so turning those off (SET LOCAL, restored after) rules it out.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_bitmapscan')")
        previous = cursor.fetchone()[0]
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [previous])


def phones_on_file(numbers) -> dict[str, int]:
    """{number: customer id} for those of the normalised `numbers` that a customer file already has."""
    found: dict[str, int] = {}
    with _btree_lookups():
        for chunk in _chunks(list(numbers), _chunk_size()):
            found.update(CustomerPhone.objects.filter(number__in=chunk).values_list("number", "customer_id"))
    return found


def id_numbers_on_file(id_numbers) -> dict[str, int]:
    """{ID number: customer id} for those of `id_numbers` already on file."""
    found: dict[str, int] = {}
    with _btree_lookups():
        for chunk in _chunks(list(id_numbers), _chunk_size()):
            # The explicit `<> ''` lets PostgreSQL use the partial unique index for lists over 100 values.
            rows = Customer.objects.filter(id_number__in=chunk).exclude(id_number="").values_list("id_number", "pk")
            found.update(rows)
    return found


def validate(sheet: Sheet, mapping: list[str], *, by, default_owner=None, definitions=None) -> ImportReport:
    """Check every row of `sheet` under `mapping` (a target key per column) and look for duplicates.

    Nothing is written. Duplicates are looked for inside the file and against every phone number
    (CustomerPhone) and ID number on file, in a few IN queries rather than one per row.
    """
    definitions = customfields.definitions(ENTITY) if definitions is None else definitions
    errors = mapping_errors(mapping, definitions)
    if errors:
        raise FileRejected(" ".join(errors))
    by_key = {target.key: target for target in targets(definitions)}
    parsers = _Parsers(by=by)
    columns = [
        (index, by_key[key], parsers.for_target(by_key[key]), sheet.column_label(index))
        for index, key in enumerate(mapping)
        if key
    ]
    owner = default_owner or by
    profile = staff_profile(owner)
    default_owner_entry = (owner.pk, profile.team_id if profile else None)
    report = ImportReport(total=len(sheet.rows))
    append_error = report.errors.append
    for number, cells in sheet.rows:
        fields: dict = {}
        custom: dict = {}
        phones: list[str] = []
        owner_entry = default_owner_entry
        bad = False
        width = len(cells)
        for index, target, parse, label in columns:
            text = cells[index] if index < width else ""
            if not text:
                if target.required:
                    append_error(RowError(number, label, _("%(field)s is required.") % {"field": target.label}))
                    bad = True
                continue
            try:
                value = parse(text)
            except CellError as error:
                append_error(RowError(number, label, error.message))
                bad = True
                continue
            kind = target.kind
            if kind == CUSTOM:
                if value is not None:
                    custom[target.definition.key] = value
            elif kind == PHONES:
                phones = value
            elif kind == OWNER:
                owner_entry = value
            elif kind == PROJECT:
                fields["project_id"] = value
            else:
                fields[target.key] = value
        if bad:
            report.invalid_rows.add(number)
        primary = fields.get("phone", "")
        numbers = [primary] if primary else []
        numbers += [phone for phone in phones if phone != primary]
        # Rows with errors still take part in the duplicate search: every problem shows at once.
        report.rows.append(PreparedRow(number, fields, custom, numbers, *owner_entry))
    _find_duplicates(report, sheet, mapping, by=by)
    report.rows = [row for row in report.rows if row.row not in report.invalid_rows]
    return report


def _find_duplicates(report: ImportReport, sheet: Sheet, mapping: list[str], *, by) -> None:
    def label_of(key: str) -> str:
        return sheet.column_label(mapping.index(key)) if key in mapping else ""

    phone_label, other_label, id_label = label_of("phone"), label_of("other_phones"), label_of("id_number")
    first_phone: dict[str, int] = {}
    first_id: dict[str, int] = {}
    clashes: list[Duplicate] = []
    for row in report.rows:
        for number in row.phones:
            earlier = first_phone.setdefault(number, row.row)
            if earlier != row.row:
                column = phone_label if number == row.fields.get("phone") else other_label
                clashes.append(Duplicate(row.row, column, number, earlier))
        id_number = row.fields.get("id_number")
        if id_number:
            earlier = first_id.setdefault(id_number, row.row)
            if earlier != row.row:
                clashes.append(Duplicate(row.row, id_label, id_number, earlier))
    on_file = {("phone", number): pk for number, pk in phones_on_file(first_phone).items()}
    on_file.update({("id", id_number): pk for id_number, pk in id_numbers_on_file(first_id).items()})
    if on_file:
        visible = set()
        for chunk in _chunks(sorted(set(on_file.values())), _chunk_size()):
            visible.update(Customer.objects.visible_to(by).filter(pk__in=chunk).values_list("pk", flat=True))
        for row in report.rows:
            for number in row.phones:
                customer_id = on_file.get(("phone", number))
                if customer_id:
                    column = phone_label if number == row.fields.get("phone") else other_label
                    clashes.append(_on_file(row.row, column, number, customer_id, visible))
            customer_id = on_file.get(("id", row.fields.get("id_number", "")))
            if customer_id:
                clashes.append(_on_file(row.row, id_label, row.fields["id_number"], customer_id, visible))
    if clashes:
        clashes.sort(key=lambda clash: clash.row)
        report.duplicates = clashes
        report.invalid_rows.update(clash.row for clash in clashes)


def _on_file(row: int, column: str, value: str, customer_id: int, visible: set[int]) -> Duplicate:
    return Duplicate(row, column, value, customer_id=customer_id if customer_id in visible else None, on_file=True)


# --- committing ------------------------------------------------------------------------------------------


def commit(report: ImportReport, *, by, source: str = "") -> int:
    """Write every row of a fully valid report, or nothing: customers, their phones and one audit entry each.

    Returns the number of customers created. Raises ValidationError when the report has problems, or
    when a phone or ID number was registered by someone else since the report was made.
    """
    if not report.ok:
        raise ValidationError(_("Every row must be valid before the import can be committed."))
    now = timezone.now()
    actor_id = by.pk if by is not None and by.is_authenticated else None
    reason = (_("Imported from %(file)s") % {"file": source} if source else _("Imported"))[:300]
    write = _write_with_copy if connection.vendor == "postgresql" else _write_with_orm
    try:
        with transaction.atomic():
            write(report.rows, now=now, actor_id=actor_id, reason=reason)
    except IntegrityError:
        logger.info("Customer import collided with a concurrent registration", exc_info=True)
        raise ValidationError(
            _(
                "Some of these phone or ID numbers were registered by someone else a moment ago. "
                "Nothing was imported; check the file again."
            )
        ) from None
    return len(report.rows)


CUSTOMER_FIELDS = [field for field in Customer._meta.concrete_fields if not field.primary_key]


def _customer_values(rows: list[PreparedRow], *, now) -> Iterator[dict]:
    """Every column of each new customer: the imported fields over the model's defaults."""
    defaults = {field.attname: field.get_default() for field in CUSTOMER_FIELDS}
    for row in rows:
        yield {
            **defaults,
            "tags": [],
            **row.fields,
            "owner_id": row.owner_id,
            "team_id": row.team_id,
            "owned_since": now,
            "custom": row.custom,
            "name_pinyin": name_pinyin(row.fields["name"]),
            "created_at": now,
            "updated_at": now,
        }


def _audit_entries(rows: list[PreparedRow], ids: list[int], *, now, actor_id, reason) -> Iterator[dict]:
    for row, pk in zip(rows, ids, strict=True):
        yield {
            "at": now,
            "actor_id": actor_id,
            "action": AuditEntry.Action.CREATE,
            "model": "customers.customer",
            "object_id": str(pk),
            "object_repr": row.fields["name"][:200],
            "changes": _audit_changes(row),
            "reason": reason,
        }


def _phones(rows: list[PreparedRow], ids: list[int], *, now) -> Iterator[dict]:
    for row, pk in zip(rows, ids, strict=True):
        for position, number in enumerate(row.phones):
            yield {"customer_id": pk, "number": number, "label": "", "primary": position == 0, "created_at": now}


def _write_with_orm(rows: list[PreparedRow], *, now, actor_id, reason) -> None:
    """bulk_create for databases without COPY (SQLite in development and tests)."""
    customers = [Customer(**values) for values in _customer_values(rows, now=now)]
    before = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Customer.objects.bulk_create(customers, batch_size=BATCH_SIZE)
    ids = [customer.pk for customer in customers]
    if None in ids:
        # A database that cannot return ids from a bulk insert: find them by their new, unique phones.
        by_phone: dict[str, int] = {}
        for chunk in _chunks([customer.phone for customer in customers], _chunk_size()):
            by_phone.update(Customer.objects.filter(pk__gt=before, phone__in=chunk).values_list("phone", "pk"))
        ids = [by_phone[customer.phone] for customer in customers]
    CustomerPhone.objects.bulk_create(
        (CustomerPhone(**values) for values in _phones(rows, ids, now=now)), batch_size=BATCH_SIZE
    )
    AuditEntry.objects.bulk_create(
        (AuditEntry(**values) for values in _audit_entries(rows, ids, now=now, actor_id=actor_id, reason=reason)),
        batch_size=BATCH_SIZE,
    )


PHONE_COLUMNS = ["customer_id", "number", "label", "primary", "created_at"]
AUDIT_COLUMNS = ["at", "actor_id", "action", "model", "object_id", "object_repr", "changes", "reason"]
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NEEDS_COPY_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _copy_value(value) -> str:
    """A value in COPY's text format."""
    if value.__class__ is not str:
        if value is None:
            return "\\N"
        if value is True or value is False:
            return "t" if value else "f"
        if isinstance(value, list | dict):
            # Raw CJK instead of \uXXXX: half the bytes, and no backslashes for COPY to escape.
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, datetime.date):  # datetimes too
            value = value.isoformat()
        else:
            value = str(value)
    return value.translate(COPY_ESCAPES) if NEEDS_COPY_ESCAPE(value) else value


def _write_with_copy(rows: list[PreparedRow], *, now, actor_id, reason) -> None:
    """PostgreSQL: COPY the three tables, with customer ids drawn from their sequence beforehand.

    Building 100,000 model instances and INSERT parameters costs Django ~25 s; writing COPY text
    costs a few. The columns every row shares are formatted once. The database checks the
    constraints (unique phone, unique ID number) all the same.
    """
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    columns = ["id", *[field.attname for field in CUSTOMER_FIELDS]]
    position = {name: index for index, name in enumerate(columns)}
    shared = {field.attname: field.get_default() for field in CUSTOMER_FIELDS}
    shared.update(tags=[], custom={}, owned_since=now, created_at=now, updated_at=now)
    template = ["\\N", *[_copy_value(shared[name]) for name in columns[1:]]]
    now_text = _copy_value(now)

    def customer_lines():
        for pk, row in zip(ids, rows, strict=True):
            line = template.copy()
            line[0] = str(pk)
            line[position["owner_id"]] = _copy_value(row.owner_id)
            line[position["team_id"]] = _copy_value(row.team_id)
            if row.custom:
                line[position["custom"]] = _copy_value(row.custom)
            for name, value in row.fields.items():
                line[position[name]] = _copy_value(value)
            line[position["name_pinyin"]] = _copy_value(name_pinyin(row.fields["name"]))
            yield line

    def phone_lines():
        for pk, row in zip(ids, rows, strict=True):
            for index, number in enumerate(row.phones):
                yield (str(pk), number, "", "t" if index == 0 else "f", now_text)

    def audit_lines():
        actor, escaped_reason = _copy_value(actor_id), _copy_value(reason)
        created = AuditEntry.Action.CREATE.value
        for pk, row in zip(ids, rows, strict=True):
            changes = _copy_value(_audit_changes(row))
            name = _copy_value(row.fields["name"][:200])
            yield (now_text, actor, created, "customers.customer", str(pk), name, changes, escaped_reason)

    _copy(table, columns, customer_lines())
    _copy(CustomerPhone._meta.db_table, PHONE_COLUMNS, phone_lines())
    _copy(AuditEntry._meta.db_table, AUDIT_COLUMNS, audit_lines())


class _CopyStream:
    """What psycopg2's copy_expert reads: lines of COPY text (lists of formatted values), encoded on demand."""

    def __init__(self, lines):
        self.lines = iter(lines)

    def read(self, size=-1) -> bytes:
        batch = ["\t".join(line) for line in itertools.islice(self.lines, 1000)]
        return ("\n".join(batch) + "\n").encode() if batch else b""


def _copy(table: str, columns: list[str], lines) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, _CopyStream(lines), size=1 << 16)


PLAIN_JSON = {str, int, bool, list}


def _audit_changes(row: PreparedRow) -> dict:
    changes = {key: value if value.__class__ in PLAIN_JSON else jsonable(value) for key, value in row.fields.items()}
    changes["owner_id"] = row.owner_id
    if len(row.phones) > 1:
        changes["phones"] = row.phones
    if row.custom:
        changes["custom"] = row.custom
    return changes
