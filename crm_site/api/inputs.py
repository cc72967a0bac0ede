"""One check of every API operation's input, after ninja's validation and before the view.

Pydantic accepts values that the database or the code behind a view cannot take: a NUL character
(PostgreSQL refuses it in text), an integer beyond 64 bits, a decimal like 1E+1000000, a date-time
without a time zone (compared with aware ones, it raises), a year that overflows when converted to UTC.
`install` puts this check on every operation of the NinjaAPI (present and future, whatever router it
is in), so no endpoint has to remember it:

- a NUL character in any string or object key is refused;
- an integer outside the signed 64-bit range, a non-finite number, a decimal with more than
  MAX_DECIMAL_DIGITS digits before or after the point are refused;
- a date-time without a time zone is read in settings.TIME_ZONE (the API description says so); a date
  or date-time outside MIN_DATE..MAX_DATE (after that reading, in TIME_ZONE) is refused.

A refusal is a 422 in ninja's own shape (`{"detail": [{"type", "loc", "msg"}]}`), located as ninja
locates its own validation errors (`["body", "payload", "name"]`, `["query", "q"]`, `["path", "id"]`).
"""

import datetime
import functools
import inspect
import math
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from ninja.errors import ValidationError
from pydantic import BaseModel

INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
MAX_DECIMAL_DIGITS = 30
# Nothing a CRM records lies outside these years; inside them date arithmetic (due dates, schedules,
# protection periods) cannot overflow Python's year 9999, nor conversion to UTC or local time.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2199, 12, 31)


def install(run: Callable) -> Callable:
    """Guard the validated input of the operation whose `run` this is; returns `run` unchanged.

    Registered with `api.add_decorator(install, mode="view")`: ninja calls it once for every operation
    it binds, with the operation's bound `run`, which is how the check reaches the operation's parameter
    models (to locate errors as ninja does) and its view function (which receives the validated values).
    """
    operation = inspect.unwrap(run).__self__
    operation.view_func = _guarded(operation.view_func, _locator(operation))
    return run


def _locator(operation) -> Callable[[tuple], list]:
    """The function turning a path in the view's keyword arguments into ninja's error location."""
    models = {name: model for model in operation.models for name in model.model_fields}

    def locate(path: tuple) -> list:
        model = models.get(path[0])
        if model is None:
            return list(path)
        flat = getattr(model, "__ninja_flatten_map_reverse__", {})
        return [model.__ninja_param_source__, *flat.get(path, path)]

    return locate


def _guarded(view: Callable, locate: Callable[[tuple], list]) -> Callable:
    @functools.wraps(view)
    def guarded(request, **values):
        errors = []
        for name, value in values.items():
            values[name] = _walk(value, (name,), errors)
        if errors:
            raise ValidationError([{**error, "loc": locate(path)} for path, error in errors])
        return view(request, **values)

    return guarded


def _walk(value, path: tuple, errors: list):
    """`value` with naive date-times made aware (in place inside models, dicts and lists); refusals go to `errors`."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            child = getattr(value, name)
            checked = _walk(child, (*path, field.alias or name), errors)
            if checked is not child:
                setattr(value, name, checked)
        if value.__pydantic_extra__:  # a schema that allows extra keys passes them on unchecked by pydantic
            _walk(value.__pydantic_extra__, path, errors)
        return value
    if isinstance(value, dict):
        for key in list(value):
            if isinstance(key, str) and "\x00" in key:
                errors.append((path, _NUL))
            value[key] = _walk(value[key], (*path, key), errors)
        return value
    if isinstance(value, list):
        value[:] = [_walk(item, (*path, index), errors) for index, item in enumerate(value)]
        return value
    if isinstance(value, tuple | set | frozenset):
        for index, item in enumerate(value):
            _walk(item, (*path, index), errors)
        return value
    checked, error = _check(value)
    if error:
        errors.append((path, error))
    return checked


_NUL = {"type": "string_nul", "msg": "Text may not contain the NUL character (\\u0000)."}
_INT = {"type": "int_range", "msg": f"Input should be a whole number between {INT_MIN} and {INT_MAX}."}
_FINITE = {"type": "finite_number", "msg": "Input should be a finite number."}
_DECIMAL = {
    "type": "decimal_range",
    "msg": f"Input should have at most {MAX_DECIMAL_DIGITS} digits before and after the decimal point.",
}
_DATE = {
    "type": "date_range",
    "msg": f"Input should be a date between {MIN_DATE:%Y-%m-%d} and {MAX_DATE:%Y-%m-%d} (in the API's time zone).",
}


def _check(value):
    """(value, None) when `value` may pass (a naive date-time made aware), else (value, error)."""
    if isinstance(value, str):
        return value, _NUL if "\x00" in value else None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        return value, None if INT_MIN <= value <= INT_MAX else _INT
    if isinstance(value, float):
        return value, None if math.isfinite(value) else _FINITE
    if isinstance(value, Decimal):
        if not value.is_finite():
            return value, _FINITE
        digits = value.as_tuple()
        before = len(digits.digits) + digits.exponent
        return value, None if before <= MAX_DECIMAL_DIGITS and -digits.exponent <= MAX_DECIMAL_DIGITS else _DECIMAL
    if isinstance(value, datetime.datetime):
        return _aware(value)
    if isinstance(value, datetime.date):
        return value, None if MIN_DATE <= value <= MAX_DATE else _DATE
    return value, None


def _aware(value: datetime.datetime):
    zone = timezone.get_default_timezone()
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    try:
        local = value.astimezone(zone)
    except OverflowError:
        return value, _DATE
    return value, None if MIN_DATE <= local.date() <= MAX_DATE else _DATE
