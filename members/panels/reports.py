"""Club members as a record type of the report builder (analytics.records): members of the customers the viewer
may see, the phone masked as on the member list."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from analytics import records
from analytics.records import CHOICE, DATE, NUMBER, TEXT, USER, Column, RecordType
from members.models import Member

records.register(
    RecordType(
        key="members",
        label=pgettext_lazy("club", "Members"),
        model="members.Member",
        queryset=lambda user: Member.objects.visible_to(user),
        columns=[
            Column("number", _("Member number"), "number", TEXT, groupable=False),
            *records.customer_columns(),
            Column("tier", _("Tier"), "tier__name", TEXT, path_zh="tier__name_zh"),
            Column("status", _("Status"), "status", CHOICE, choices=tuple(Member.Status.choices)),
            Column("channel", _("Joined through"), "channel", CHOICE, choices=tuple(Member.Channel.choices)),
            Column("balance", _("Points balance"), "balance", NUMBER),
            Column("joined", _("Joined"), "joined_on", DATE),
            Column("owner", _("Customer owner"), "customer__owner", USER),
        ],
        default_columns=("number", "customer", "tier", "status", "balance", "joined"),
    )
)
