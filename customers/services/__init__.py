"""Writes to customer files, one module per concern, re-exported here."""

from .files import (
    DuplicateCustomer,
    customer_create,
    customer_update,
    customers_tag,
    intent_record,
    member_save,
    phone_add,
)
from .interactions import interaction_log
from .ownership import (
    conflict_record,
    conflict_resolve,
    customer_merge,
    customers_assign,
    customers_hand_over,
    customers_touch,
    key_account_assign,
    pool_claim,
    pool_release_lapsed,
)

__all__ = [
    "DuplicateCustomer",
    "conflict_record",
    "conflict_resolve",
    "customer_create",
    "customer_merge",
    "customer_update",
    "customers_assign",
    "customers_hand_over",
    "customers_tag",
    "customers_touch",
    "intent_record",
    "interaction_log",
    "key_account_assign",
    "member_save",
    "phone_add",
    "pool_claim",
    "pool_release_lapsed",
]
