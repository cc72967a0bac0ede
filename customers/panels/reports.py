"""Customer files as a record type of the report builder (analytics.records): scoped rows, masked phone."""

from django.utils.translation import gettext_lazy as _

from analytics import records
from analytics.records import BOOL, CHOICE, DATE, TEXT, USER, Column, RecordType
from customers.models import Customer

records.register(
    RecordType(
        key="customers",
        label=_("Customers"),
        model="customers.Customer",
        queryset=lambda user: Customer.objects.visible_to(user),
        columns=[
            Column("name", _("Name"), "name", TEXT, groupable=False),
            Column(
                "phone",
                _("Phone"),
                "phone",
                TEXT,
                mask="phone",
                owner_path="owner_id",
                record_path=("customers.customer", "pk"),
            ),
            Column("kind", _("Kind"), "kind", CHOICE, choices=tuple(Customer.Kind.choices)),
            Column("level", _("Interest level"), "level", CHOICE, choices=tuple(Customer.Level.choices)),
            Column("status", _("Status"), "status", CHOICE, choices=tuple(Customer.Status.choices)),
            Column("source", _("Source channel"), "source", CHOICE, choices=tuple(Customer.Source.choices)),
            Column("risk_level", _("Risk level"), "risk_level", CHOICE, choices=tuple(Customer.Risk.choices)),
            Column("district", _("Home district"), "district", TEXT),
            Column("project", _("Project"), "project__name", TEXT),
            Column("owner", _("Owner"), "owner", USER),
            Column("key_account", _("Key account"), "key_account", BOOL),
            Column("created", _("Created"), "created_at__date", DATE),
        ],
        default_columns=("name", "phone", "level", "status", "owner"),
    )
)
