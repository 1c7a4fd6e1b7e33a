from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def hours(value) -> str:
    """Hours without trailing zeros, in the active language's format: 2.50 -> "2,5", 20.00 -> "20"."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return formats.number_format(number)
