"""Reads of customer files (re-exported from .files for other apps) and visit plans (.visits)."""

from .files import (
    ENTITY,
    MIN_NAME_FRAGMENT,
    SENSITIVE_FIELDS,
    SORTS,
    TimelineEvent,
    customer_by_identity,
    customer_get,
    customer_list,
    followups_due,
    next_steps,
    pool_list,
    search_q,
    timeline,
    timeline_register,
)

__all__ = [
    "ENTITY",
    "MIN_NAME_FRAGMENT",
    "SENSITIVE_FIELDS",
    "SORTS",
    "TimelineEvent",
    "customer_by_identity",
    "customer_get",
    "customer_list",
    "followups_due",
    "next_steps",
    "pool_list",
    "search_q",
    "timeline",
    "timeline_register",
]
