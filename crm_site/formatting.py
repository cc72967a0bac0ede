"""Money and large numbers as people read them, in the active language: one helper for pages, PDFs, e-mails.

money(2663538)          -> "¥2,663,538.00"      (both languages; the symbol of settings.CURRENCY)
money(2663538, 0)       -> "¥2,663,538"
wan(5_600_000)          -> "560万" (zh-hans)  /  "¥5.6M" (en)       unit prices, contract amounts at a glance
wan_range(500, 700)     -> "500万–700万" / "¥5M–¥7M"                budgets stored in 万 (10,000)
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "¥"}
DASH = "—"


def currency_symbol() -> str:
    return SYMBOLS.get(settings.CURRENCY.upper(), settings.CURRENCY.upper() + " ")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def number(value, decimals: int = 0) -> str:
    """A plain number with the language's separators (2,663,538)."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def figure(value):
    """A table cell of unknown kind: whole numbers with the language's separators (128,572), decimals with two places
    (5,174,820.00), anything else (a name, a month, a dash) as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return number(value)
    if isinstance(value, Decimal | float):
        return number(value, 2)
    return value


def money(value, decimals: int = 2) -> str:
    """An amount with the currency symbol and thousands separators; a dash for no amount."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    text = number_format(abs(amount), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{'-' if amount < 0 else ''}{currency_symbol()}{text}"


def _chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def _trim(amount: Decimal, places: int) -> str:
    """At most `places` decimals, none that are zero: 560, 1.25, 5.6."""
    text = f"{amount.quantize(Decimal(1).scaleb(-places)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(value) -> str:
    """A large amount at a glance: ¥560万 or ¥1.25亿 in Chinese, ¥5.6M in English (small amounts as money); the
    currency symbol always, so a column of amounts reads alike whatever their size."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    symbol = currency_symbol()
    if _chinese():
        if amount >= 100_000_000:
            return f"{sign}{symbol}{_trim(amount / 100_000_000, 2)}亿"
        if amount >= 10_000:
            return f"{sign}{symbol}{number(_trim(amount / 10_000, 1), 1 if (amount / 10_000) % 1 else 0)}万"
        return sign + money(amount, 0)
    if amount >= 1_000_000:
        return f"{sign}{symbol}{_trim(amount / 1_000_000, 2)}M"
    if amount >= 10_000:
        return f"{sign}{symbol}{_trim(amount / 1_000, 1)}k"
    return sign + money(amount, 0)


def wan_range(low_wan, high_wan) -> str:
    """A range given in 万 (budgets): "¥500万–¥700万", "≥ ¥500万", "any"; no stray decimals."""
    low, high = _decimal(low_wan), _decimal(high_wan)
    low_text = wan(low * 10_000) if low is not None else ""
    high_text = wan(high * 10_000) if high is not None else ""
    if low_text and high_text:
        return low_text if low == high else f"{low_text}–{high_text}"
    if low_text:
        return f"≥ {low_text}"
    if high_text:
        return f"≤ {high_text}"
    return _("any")


def span(low, high, unit: str = "") -> str:
    """A range of plain numbers (floors, areas): "3–12", "≥ 90 m²", "any" when neither end is set."""
    low_text = number(low) if _decimal(low) is not None else ""
    high_text = number(high) if _decimal(high) is not None else ""
    suffix = f" {unit}" if unit else ""
    if low_text and high_text:
        return f"{low_text}{suffix}" if low_text == high_text else f"{low_text}–{high_text}{suffix}"
    if low_text:
        return f"≥ {low_text}{suffix}"
    if high_text:
        return f"≤ {high_text}{suffix}"
    return _("any")
