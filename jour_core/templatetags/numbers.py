"""``{% load numbers %}``: ``{{ value|number }}`` ("2,5", "12 500") and ``{{ share|number:"%" }}``
("68 %"), both :func:`jour_core.numbers.number` (its docstring states the rule)."""

from django import template

from jour_core.numbers import number as format_number

register = template.Library()


@register.filter
def number(value, unit: str = "") -> str:
    return format_number(value, percent=unit == "%")
