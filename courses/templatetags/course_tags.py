from decimal import Decimal

from django import template
from django.utils import formats

from courses import wording

register = template.Library()


@register.filter
def day_and_time(value) -> str:
    """ "torsdag 4 mars kl. 18.00": a local moment as a Swede writes it (courses/wording.py)."""
    return wording.at(value, year=False) if value else ""


@register.filter
def hours(value) -> str:
    """Hours without trailing zeros, in the active language's format: 2.50 -> "2,5", 20.00 -> "20"."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return formats.number_format(number)
