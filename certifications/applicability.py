"""Whom a qualification type is required of: the one place the rule is written.

A type's ``applies_to`` lists member groups (the codes of ``people.models.MEMBER_GROUPS``:
volunteer, staff, board), e.g. a course in children's needs required of staff only; empty means
everyone. A type applies to a person when

- it lists no group (everyone), or
- she is in any of the groups it lists (a person in several groups: one of them is enough), or
- she is in no group at all: her group is not known, so she is held to every requirement (the
  clearance engine errs on the side of not clearing).

Outside its groups a type is not required of her: the clearance engine leaves it out of her
requirements (so the board and My training never list it as missing), no reminder is sent about
it, and the competence report neither counts her lapsed one nor her group's coverage of it.

Every group ticked is the same as none (:func:`normalised`), so a type lists each group at most
once, in ``MEMBER_GROUPS`` order, and never all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.models import MEMBER_GROUPS

#: The choices of a form's field: the member groups, in display order.
GROUP_CHOICES = list(MEMBER_GROUPS.items())


def applies(applies_to: Iterable[str], member_groups: Iterable[str]) -> bool:
    """Whether a type listing ``applies_to`` is required of a person in ``member_groups``."""
    if not applies_to:
        return True
    groups = tuple(member_groups)
    return not groups or any(group in applies_to for group in groups)


def normalised(codes: Iterable[str]) -> list[str]:
    """``codes`` once each, in ``MEMBER_GROUPS`` order; every group is the same as none: ``[]``."""
    chosen = set(codes)
    listed = [code for code in MEMBER_GROUPS if code in chosen]
    return [] if len(listed) == len(MEMBER_GROUPS) else listed


def validate_member_groups(value) -> None:
    """A list of member groups' codes (the model field's validator)."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(gettext_lazy("Choose member groups."), code="invalid")
    unknown = [code for code in value if code not in MEMBER_GROUPS]
    if unknown:
        raise ValidationError(
            gettext_lazy("Unknown member group: %(codes)s."),
            code="invalid",
            params={"codes": ", ".join(unknown)},
        )


def groups_display(applies_to: Iterable[str]) -> str:
    """The groups in words: "Personal, Styrelse", or "Alla grupper" for none."""
    listed = normalised(applies_to)
    if not listed:
        return _("All groups")
    return ", ".join(str(MEMBER_GROUPS[code]) for code in listed)
