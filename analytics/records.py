"""The record types of the report builder: what each app lets a report read, registered from its `panels` package.

    from analytics import records
    records.register(records.RecordType(
        key="tickets", label=_("Tickets"), model="service.Ticket",
        queryset=lambda user: Ticket.objects.visible_to(user),    # the app's own scoped rows (crm_site/scope.py)
        columns=[records.Column("status", _("Status"), "status", records.CHOICE, choices=Ticket.Status.choices), ...],
    ))

A report reads only these columns, by their keys: the ORM paths stay here, never in a URL or a saved report,
so no lookup the app did not offer can be asked for. `queryset(user)` must return only what `user` may see;
the builder always calls it with the viewer (or, for a scheduled report, the recipient). A column with `mask`
(a crm_site.masking field name, e.g. "phone") is shown masked unless crm_site.masking lets the viewer see it on
that row, judged by the owner id at `owner_path`; unmasked values are written to the access log against the
record at `record_path` (a model label and the path to its id). Masked columns can be neither filtered nor
grouped (a filter would leak the digits a mask hides).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

TEXT, CHOICE, NUMBER, MONEY, DATE, BOOL, USER = "text", "choice", "number", "money", "date", "bool", "user"
NUMERIC = (NUMBER, MONEY)


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    path: str  # the ORM path, private to the registry (USER: the path to the staff member)
    kind: str = TEXT
    choices: tuple = ()  # (value, label) pairs for CHOICE
    mask: str = ""  # crm_site.masking field name: shown masked unless the viewer may see it
    owner_path: str = ""  # path to the owner id that decides the mask
    record_path: tuple = ()  # (model label, path to its id) for the access log
    filterable: bool = True
    groupable: bool = True
    path_zh: str = ""  # the path read instead when the language is Chinese (names kept in both languages)

    @property
    def can_filter(self) -> bool:
        return self.filterable and not self.mask

    @property
    def can_group(self) -> bool:
        return self.groupable and not self.mask and self.kind in (TEXT, CHOICE, DATE, BOOL, USER)

    def choice_labels(self) -> dict:
        return {value: str(label) for value, label in self.choices}


@dataclass(frozen=True)
class RecordType:
    key: str
    label: object
    model: str  # app_label.Model, for the message log and the docs
    queryset: Callable  # queryset(user) -> the rows user may see
    columns: list = field(default_factory=list)
    default_columns: tuple = ()

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> None:
    REGISTRY[record_type.key] = record_type


def get(key: str) -> RecordType | None:
    return REGISTRY.get(key)


def all_types() -> list[RecordType]:
    return list(REGISTRY.values())


def customer_columns(path: str = "customer") -> list[Column]:
    """The customer's name and phone as every record that belongs to a customer shows them: the phone masked as on
    the lists (judged by the file's owner), each unmasked value logged against the customer file."""
    return [
        Column("customer", _("Customer"), f"{path}__name", TEXT, groupable=False),
        Column(
            "customer_phone",
            _("Customer phone"),
            f"{path}__phone",
            TEXT,
            mask="phone",
            owner_path=f"{path}__owner_id",
            record_path=("customers.customer", f"{path}_id"),
        ),
    ]
