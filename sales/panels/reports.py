"""Opportunities, deals and payments as record types of the report builder (analytics.records), each read through
its own scoped queryset; the customer's phone masked as on the lists."""

from django.utils.translation import gettext_lazy as _

from analytics import records
from analytics.records import BOOL, CHOICE, DATE, MONEY, TEXT, USER, Column, RecordType
from customers.models import Customer
from sales.models import Deal, Opportunity, Payment


def _customer_columns(path: str = "customer") -> list:
    return [
        *records.customer_columns(path),
        Column(
            "customer_source", _("Source channel"), f"{path}__source", CHOICE, choices=tuple(Customer.Source.choices)
        ),
    ]


records.register(
    RecordType(
        key="opportunities",
        label=_("Opportunities"),
        model="sales.Opportunity",
        queryset=lambda user: Opportunity.objects.visible_to(user),
        columns=[
            *_customer_columns(),
            Column("project", _("Project"), "project__name", TEXT),
            Column("stage", _("Stage"), "stage", CHOICE, choices=tuple(Opportunity.Stage.choices)),
            Column("expected_amount", _("Expected amount"), "expected_amount", MONEY),
            Column("owner", _("Owner"), "owner", USER),
            Column("stage_changed", _("In stage since"), "stage_changed_at__date", DATE),
        ],
        default_columns=("customer", "project", "stage", "expected_amount", "owner"),
    )
)

records.register(
    RecordType(
        key="deals",
        label=_("Deals"),
        model="sales.Deal",
        queryset=lambda user: Deal.objects.visible_to(user),
        columns=[
            *_customer_columns(),
            Column("project", _("Project"), "project__name", TEXT),
            Column("unit", _("Unit"), "unit__number", TEXT, groupable=False),
            Column("stage", _("Stage"), "stage", CHOICE, choices=tuple(Deal.Stage.choices)),
            Column("state", _("State"), "state", CHOICE, choices=tuple(Deal.State.choices)),
            Column("list_price", _("List price"), "list_price", MONEY),
            Column("price", _("Price"), "price", MONEY),
            Column("deposit", _("Deposit"), "deposit", MONEY),
            Column(
                "payment_method",
                _("Payment method"),
                "payment_method",
                CHOICE,
                choices=tuple(Deal.PaymentMethod.choices),
            ),
            Column("contract_no", _("Contract number"), "contract_no", TEXT, groupable=False),
            Column("signed_on", _("Contract signed"), "signed_on", DATE),
            Column("owner", _("Owner"), "owner", USER),
        ],
        default_columns=("customer", "project", "unit", "stage", "price", "owner"),
    )
)

records.register(
    RecordType(
        key="payments",
        label=_("Payments"),
        model="sales.Payment",
        queryset=lambda user: Payment.objects.visible_to(user),
        columns=[
            *_customer_columns("installment__deal__customer"),
            Column("project", _("Project"), "project__name", TEXT),
            Column("amount", _("Amount"), "amount", MONEY),
            Column("is_refund", _("Refund"), "is_refund", BOOL),
            Column("method", _("Method"), "method", CHOICE, choices=tuple(Payment.Method.choices)),
            Column("received_on", _("Received on"), "received_on", DATE),
            Column("reference", _("Reference"), "reference", TEXT, groupable=False),
            Column("owner", _("Owner"), "owner", USER),
        ],
        default_columns=("customer", "project", "amount", "received_on", "owner"),
    )
)
