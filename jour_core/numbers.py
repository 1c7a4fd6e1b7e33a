"""Numbers as a person reads them: one function, :func:`number`, behind the template filter
``number`` (``{% load numbers %}``) and every PDF, email, narrative and reason that shows one.

The rule, in Swedish (the active language's separators; Swedish is the site's language):

- the decimal comma: 2.5 -> "2,5";
- at most two decimals, rounded half up (2.345 -> "2,35"), and no trailing zeros: a whole
  number is written whole (6.00 -> "6", never "6,0" or "6,00"), 2.50 -> "2,5";
- thousands grouped with a non-breaking space from five digits on: 12500 -> "12 500",
  1234567,5 -> "1 234 567,5"; a four-digit number is written together (1250 -> "1250",
  1250.75 -> "1250,75"), as Swedish writing rules allow (Språkrådet, Svenska skrivregler), so
  that a year in a table of figures (2026) is never split into "2 026";
- a percentage (``percent=True``) takes a non-breaking space before the sign: 68 -> "68 %";
- nothing (``None`` or "") is written as nothing, for the template to put its "–";
- a value that is already text ("<5", "x": a figure withheld in the external report) is
  written as it is, and so is anything else that is not a number (a boolean is not a number).

Exports (CSV, XLSX, JSON) keep numbers as numbers; this is for people only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats

NBSP = "\u00a0"
TWO_PLACES = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _grouped(digits: str, separator: str) -> str:
    if len(digits) <= 4:
        return digits
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return separator.join([digits, *groups])


def number(value, percent: bool = False) -> str:
    """``value`` as a person reads it (the rule is the module's docstring): "2,5", "6",
    "1250,75", "12 500", "68 %" with ``percent``; "" for ``None``; text as it is."""
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    amount = amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    sign = "-" if amount < 0 else ""
    whole, _dot, fraction = f"{abs(amount):f}".partition(".")
    fraction = fraction.rstrip("0")
    separator = formats.get_format("THOUSAND_SEPARATOR")
    separator = NBSP if separator in (" ", NBSP) else separator
    text = sign + _grouped(whole, separator)
    if fraction:
        text += formats.get_format("DECIMAL_SEPARATOR") + fraction
    return f"{text}{NBSP}%" if percent else text


def percent(value) -> str:
    """A share as a person reads it: 68 -> "68 %" (see :func:`number`)."""
    return number(value, percent=True)
