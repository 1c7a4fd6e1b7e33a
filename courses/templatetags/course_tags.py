from django import template

from courses import wording

register = template.Library()


@register.filter
def day_and_time(value) -> str:
    """ "torsdag 4 mars kl. 18.00": a local moment as a Swede writes it (courses/wording.py)."""
    return wording.at(value, year=False) if value else ""
