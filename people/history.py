"""A person's change history in words: who changed which fields, from what to what, and when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .importing import IMPORT_REASON
from .models import Organisation, User

#: Fields the history keeps but a coordinator does not need to read.
HIDDEN = {"id", "created_at", "is_superuser"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEntry:
    when: datetime.datetime
    who: User | None
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _display(model_field, value, organisations: dict[int, str]) -> str:
    if value is None or value == "":
        return "–"
    if model_field.name == "organisation":
        return organisations.get(value, str(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return date_format(value, "Y-m-d")
    return str(value)


def person_changes(person: User) -> list[ChangeEntry]:
    """Every history row of ``person``, newest first; each change lists the fields that differ
    from the row before (the password and last login are never in the history). Two queries."""
    rows = list(person.history.select_related("history_user").order_by("history_date", "history_id"))
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    actions = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    reasons = {IMPORT_REASON: _("by the people import")}
    entries, previous = [], None
    for row in rows:
        changes = []
        if previous is not None:
            for change in row.diff_against(previous).changes:
                if change.field in HIDDEN:
                    continue
                model_field = User._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        str(model_field.verbose_name),
                        _display(model_field, change.old, organisations),
                        _display(model_field, change.new, organisations),
                    )
                )
        reason = reasons.get(row.history_change_reason or "", row.history_change_reason or "")
        entries.append(
            ChangeEntry(row.history_date, row.history_user, actions[row.history_type], changes, reason)
        )
        previous = row
    entries.reverse()
    return entries
