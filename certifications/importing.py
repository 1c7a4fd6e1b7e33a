"""Importing the catalogue (YAML) and records (CSV). All or nothing; problems are reported as
``line N: column: message`` (see people.importing)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from courses.completion import record_completions
from courses.models import CoursePage
from people.bounds import LATEST_DATE, LATEST_EXPIRY, clean_field, parse_date
from people.importing import ImportProblem, header_name, read_csv, too_many_problems
from people.models import MEMBER_GROUPS, Organisation, PersonManager, User

from .applicability import normalised
from .models import (
    Qualification,
    QualificationSource,
    QualificationType,
    ShiftRole,
    ShiftRoleRequirement,
    TrainingRecord,
)

# The catalogue ---------------------------------------------------------------------------------

TYPE_KEYS = {"name", "description", "valid_months", "granted_by_course", "pledge", "applies_to"}
ROLE_KEYS = {"name", "description", "requires", "min_training_hours", "training_window_months"}


@dataclass
class Catalogue:
    types: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def parse_catalogue(text: str, organisation: Organisation) -> Catalogue:
    """Check the catalogue's YAML ``text`` for ``organisation``; collect every problem rather
    than stopping at the first. A role may require a type of the organisation or of the file."""
    result = Catalogue()
    parsed = _read_catalogue(text, result.problems)
    if parsed is None:
        return result
    root, data = parsed
    lines = _item_lines(root)
    courses = {c.title: c for c in CoursePage.objects.filter(organisation=organisation)}
    type_names = {t.name for t in QualificationType.objects.filter(organisation=organisation)}
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(data.get("qualification_types") or []):
        entry = _parse_type(item, lines["qualification_types"][index], courses, seen, result.problems)
        if entry is not None:
            result.types.append(entry)
            type_names.add(entry["name"])
    pledges = [entry for entry in result.types if entry.get("pledge") is True]
    for entry in pledges[1:]:
        result.problems.append(
            ImportProblem(
                entry["line"],
                "pledge",
                _("only one type can be the pledge; '%(name)s' is already (line %(line)d)")
                % {"name": pledges[0]["name"], "line": pledges[0]["line"]},
            )
        )
    for index, item in enumerate(data.get("shift_roles") or []):
        entry = _parse_role(item, lines["shift_roles"][index], type_names, seen, result.problems)
        if entry is not None:
            result.roles.append(entry)
    return result


def _read_catalogue(text: str, problems: list[ImportProblem]) -> tuple[yaml.Node, dict] | None:
    """The file's node tree (for line numbers) and its data, or ``None`` with a problem when it
    is not YAML or not the two sections, each a list."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        problems.append(ImportProblem(line, "file", _("not valid YAML")))
        return None
    if not isinstance(data, dict) or set(data) - {"qualification_types", "shift_roles"}:
        problems.append(ImportProblem(1, "file", _("expected the keys qualification_types and shift_roles")))
        return None
    before = len(problems)
    for key in ("qualification_types", "shift_roles"):
        if not isinstance(data.get(key) or [], list):
            problems.append(ImportProblem(1, key, _("must be a list of entries")))
    if len(problems) > before:
        return None
    return root, data


def _check_once(
    seen: dict[tuple[str, str], int], section: str, name: str | None, line: int, problems: list[ImportProblem]
) -> None:
    """A name is unique within its organisation: twice in one file is a problem. ``seen`` holds
    the line where each (section, name) first appeared."""
    if name is None:
        return
    if (section, name) in seen:
        problems.append(
            ImportProblem(
                line,
                "name",
                _("'%(name)s' appears twice in the file (also on line %(line)d)")
                % {"name": name, "line": seen[section, name]},
            )
        )
    seen.setdefault((section, name), line)


def _parse_type(
    item,
    line: int,
    courses: dict[str, CoursePage],
    seen: dict[tuple[str, str], int],
    problems: list[ImportProblem],
) -> dict | None:
    """One qualification type's entry, checked, with its granting course; ``None`` when it has
    no name."""
    if not _check_keys(item, TYPE_KEYS, line, problems):
        return None
    item = {**item, **_checked(QualificationType, item, ENTRY_TEXT_FIELDS, line, problems)}
    _check_once(seen, "types", item["name"], line, problems)
    valid_months = item.get("valid_months")
    if valid_months is not None and not _is_whole(valid_months):
        problems.append(ImportProblem(line, "valid_months", _("must be a whole number of months, 1 or more")))
    elif valid_months is not None:
        _check_field(QualificationType, "valid_months", valid_months, line, problems)
    course_title = item.get("granted_by_course")
    if course_title is not None and not isinstance(course_title, str):
        course_title = str(course_title)
    if course_title and course_title not in courses:
        problems.append(
            ImportProblem(
                line, "granted_by_course", _("no course titled '%(title)s'") % {"title": course_title}
            )
        )
    if not isinstance(item.get("pledge", False), bool):
        problems.append(ImportProblem(line, "pledge", _("must be true or false")))
    if "applies_to" in item:
        item["applies_to"] = _applies_to(item["applies_to"], line, problems)
    return {**item, "course": courses.get(course_title), "line": line}


def _applies_to(value, line: int, problems: list[ImportProblem]) -> list[str]:
    """The member groups a type applies to: a list of their codes (empty or left out: all)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        problems.append(
            ImportProblem(line, "applies_to", _("must be a list of groups: volunteer, staff or board"))
        )
        return []
    for code in value:
        if code not in MEMBER_GROUPS:
            problems.append(
                ImportProblem(
                    line,
                    "applies_to",
                    _("unknown group '%(value)s'; use volunteer, staff or board") % {"value": code},
                )
            )
    return normalised(code for code in value if code in MEMBER_GROUPS)


def _parse_role(
    item,
    line: int,
    type_names: set[str],
    seen: dict[tuple[str, str], int],
    problems: list[ImportProblem],
) -> dict | None:
    """One shift role's entry, checked; ``None`` when it has no name."""
    if not _check_keys(item, ROLE_KEYS, line, problems):
        return None
    item = {**item, **_checked(ShiftRole, item, ENTRY_TEXT_FIELDS, line, problems)}
    _check_once(seen, "roles", item["name"], line, problems)
    requires = _role_requires(item, line, type_names, problems)
    hours = item.get("min_training_hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float)):
        problems.append(ImportProblem(line, "min_training_hours", _("must be a number, 0 or more")))
    elif hours is not None:
        item["min_training_hours"] = _check_field(
            ShiftRole, "min_training_hours", Decimal(str(hours)), line, problems
        )
    window = item.get("training_window_months", 12)
    if not _is_whole(window):
        problems.append(
            ImportProblem(line, "training_window_months", _("must be a whole number of months, 1 or more"))
        )
    else:
        _check_field(ShiftRole, "training_window_months", window, line, problems)
    return {**item, "requires": requires, "line": line}


def _role_requires(item: dict, line: int, type_names: set[str], problems: list[ImportProblem]) -> list[str]:
    """The names of the types the role requires, each known (the organisation's or the file's)."""
    requires = item.get("requires") or []
    if not isinstance(requires, list) or not all(isinstance(name, str) for name in requires):
        problems.append(ImportProblem(line, "requires", _("must be a list of qualification types")))
        return []
    for name in requires:
        if name not in type_names:
            problems.append(
                ImportProblem(line, "requires", _("unknown qualification type '%(name)s'") % {"name": name})
            )
    return requires


def _item_lines(root) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = defaultdict(list)
    if root is not None and hasattr(root, "value") and isinstance(root.value, list):
        for key_node, value_node in root.value:
            if isinstance(value_node.value, list):
                lines[key_node.value] = [node.start_mark.line + 1 for node in value_node.value]
    return lines


#: The text fields of a type's or a role's entry, checked by the model's field as the admin
#: form checks them.
ENTRY_TEXT_FIELDS = ("name", "description")


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_field(model, name: str, value, line: int, problems: list[ImportProblem], column: str = ""):
    """``value`` checked by ``model``'s field ``name`` (bounds, max length: one definition, the
    model's, for the admin and the import); its problems are added, under ``column`` (the
    field's name by default). Returns the cleaned value."""
    cleaned, errors = clean_field(model, name, value)
    problems.extend(ImportProblem(line, column or name, message) for message in errors)
    return cleaned


def _checked(model, item: dict, names: tuple[str, ...], line: int, problems: list[ImportProblem]) -> dict:
    """The entry's text fields ``names`` that it gives, each checked by the model's field."""
    return {
        name: _check_field(model, name, item[name], line, problems)
        for name in names
        if item.get(name) is not None
    }


def _check_keys(item, allowed: set[str], line: int, problems: list[ImportProblem]) -> bool:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        problems.append(ImportProblem(line, "name", _("each entry needs a name")))
        return False
    for key in sorted(set(item) - allowed):
        problems.append(ImportProblem(line, key, _("unknown key")))
    return True


@transaction.atomic
def apply_catalogue(catalogue: Catalogue, organisation: Organisation) -> tuple[int, int]:
    """Create or update (by name) the types and roles; returns (types, roles) written."""
    pledges = {item["name"] for item in catalogue.types if item.get("pledge") is True}
    if pledges:  # the catalogue names the pledge: no other type of the organisation is it
        QualificationType.objects.filter(organisation=organisation, is_pledge=True).exclude(
            name__in=pledges
        ).update(is_pledge=False)
    types = {t.name: t for t in QualificationType.objects.filter(organisation=organisation)}
    for item in catalogue.types:
        qtype = types.get(item["name"]) or QualificationType(organisation=organisation, name=item["name"])
        qtype.description = item.get("description", qtype.description or "")
        qtype.valid_months = item.get("valid_months")
        qtype.granted_by_course = item["course"]
        qtype.is_pledge = item.get("pledge", qtype.is_pledge) is True
        qtype.applies_to = item.get("applies_to", qtype.applies_to)
        qtype.save()
        types[qtype.name] = qtype
    roles = {r.name: r for r in ShiftRole.objects.filter(organisation=organisation)}
    for order, item in enumerate(catalogue.roles, start=1):
        role = roles.get(item["name"]) or ShiftRole(organisation=organisation, name=item["name"])
        role.description = item.get("description", role.description or "")
        hours = item.get("min_training_hours")
        role.min_training_hours = Decimal(str(hours)) if hours is not None else None
        role.training_window_months = item.get("training_window_months", 12)
        role.sort_order = order
        role.save()
        ShiftRoleRequirement.objects.filter(role=role).delete()
        ShiftRoleRequirement.objects.bulk_create(
            ShiftRoleRequirement(role=role, qualification_type=types[name], sort_order=i)
            for i, name in enumerate(item["requires"])
        )
    return len(catalogue.types), len(catalogue.roles)


# Records ---------------------------------------------------------------------------------------

RECORD_COLUMNS = ("email", "kind", "name", "date", "hours", "provider", "expires_on", "revoked_on")
KINDS = ("qualification", "course_completion", "training")
#: Swedish headers of the records file.
RECORD_ALIASES = {
    "e-post": "email",
    "e-postadress": "email",
    "typ": "kind",
    "slag": "kind",
    "namn": "name",
    "datum": "date",
    "timmar": "hours",
    "anordnare": "provider",
    "utbildningsanordnare": "provider",
    "giltig till": "expires_on",
    "upphör": "expires_on",
    "återkallad": "revoked_on",
}
#: Swedish names of the kinds (any case).
KIND_NAMES = {
    "kvalifikation": "qualification",
    "slutförd kurs": "course_completion",
    "kurs": "course_completion",
    "utbildning": "training",
    "fortbildning": "training",
    "kompetensutveckling": "training",
}


@dataclass
class Records:
    qualifications: list[dict] = field(default_factory=list)
    completions: list[dict] = field(default_factory=list)
    trainings: list[dict] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def parse_records(text: str | list[list[str]], organisation: Organisation) -> Records:
    """Check every row of a records file (CSV text, or a spreadsheet's rows); headers and kinds
    in English or Swedish. A problem names its column as the file's header does."""
    result = Records()
    labels: dict[str, str] = {}
    rows = read_csv(text, RECORD_COLUMNS, (), result.problems, RECORD_ALIASES, labels)
    people = {p.email: p for p in User.objects.filter(organisation=organisation)}
    types = {t.name: t for t in QualificationType.objects.filter(organisation=organisation)}
    courses = {c.title: c for c in CoursePage.objects.filter(organisation=organisation)}
    for line, row in rows:
        if too_many_problems(result.problems, line):
            break
        _parse_record(line, row, people, types, courses, result)
    result.problems = [
        dataclasses.replace(p, column=labels.get(p.column, p.column))
        for p in sorted(result.problems, key=lambda p: p.line)
    ]
    return result


def _parse_record(line, row, people, types, courses, result: Records) -> None:
    before = len(result.problems)

    def problem(column: str, message: str) -> None:
        result.problems.append(ImportProblem(line, column, message))

    email = PersonManager.normalize_email(row["email"])
    person = people.get(email)
    if person is None:
        problem(
            "email", _("no person with the email '%(value)s' in the organisation") % {"value": row["email"]}
        )
    kind = KIND_NAMES.get(header_name(row["kind"]), row["kind"].strip().lower())
    if kind not in KINDS:
        problem(
            "kind",
            _("'%(value)s' is not one of qualification, course_completion, training") % {"value": kind},
        )
    dates = {}
    for column in ("date", "expires_on", "revoked_on"):
        if row[column]:
            try:
                # The bounds of the field the date goes into: an expiry may lie later.
                dates[column] = parse_date(
                    row[column], LATEST_EXPIRY if column == "expires_on" else LATEST_DATE
                )
            except ValueError as exc:
                problem(column, str(exc))
    if not row["date"]:
        problem("date", _("a date is required (YYYY-MM-DD)"))
    if not row["name"]:
        problem("name", _("a name is required"))

    entry = {"line": line, "person": person, "date": dates.get("date")}
    if kind == "qualification":
        qtype = types.get(row["name"])
        if row["name"] and qtype is None:
            problem("name", _("unknown qualification type '%(value)s'") % {"value": row["name"]})
        issued = dates.get("date")
        for column in ("expires_on", "revoked_on"):
            if issued and dates.get(column) and dates[column] < issued:
                problem(
                    column,
                    _("%(value)s is before the date issued %(issued)s")
                    % {"value": dates[column], "issued": issued},
                )
        entry.update(type=qtype, expires_on=dates.get("expires_on"), revoked_on=dates.get("revoked_on"))
        target = result.qualifications
    elif kind == "course_completion":
        course = courses.get(row["name"])
        if row["name"] and course is None:
            problem("name", _("no course titled '%(value)s'") % {"value": row["name"]})
        entry.update(course=course)
        target = result.completions
    else:
        hours = None
        try:
            hours = Decimal(row["hours"].replace(",", "."))
            if not hours.is_finite() or hours <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problem("hours", _("a number of hours greater than 0 is required for training"))
        else:
            _check_field(TrainingRecord, "hours", hours, line, result.problems)
        if row["name"]:
            _check_field(TrainingRecord, "title", row["name"], line, result.problems, column="name")
        _check_field(TrainingRecord, "provider", row["provider"], line, result.problems)
        entry.update(title=row["name"], provider=row["provider"], hours=hours)
        target = result.trainings
    if len(result.problems) == before:
        target.append(entry)


@dataclass(frozen=True)
class RecordsSummary:
    qualifications: int
    completions: int
    trainings: int


#: The change reason on the history rows the records import writes.
IMPORT_REASON = "records import"


@transaction.atomic
def apply_records(records: Records, organisation: Organisation, by: User | None = None) -> RecordsSummary:
    """Write checked records. Importing the same file twice adds nothing. Every row written gets
    a history row, with ``by`` as who made the change."""
    new_qualifications = 0
    for entry in records.qualifications:
        qualification = Qualification.objects.filter(
            person=entry["person"], type=entry["type"], issued_on=entry["date"]
        ).first()
        if qualification is None:
            qualification = Qualification(
                person=entry["person"],
                type=entry["type"],
                issued_on=entry["date"],
                source=QualificationSource.IMPORT,
                expires_on=entry["expires_on"],
                revoked_on=entry["revoked_on"],
                revoke_reason=_("Imported") if entry["revoked_on"] else "",
            )
            qualification._history_user = by
            qualification._change_reason = IMPORT_REASON
            qualification.save()
            new_qualifications += 1
        elif entry["revoked_on"] and qualification.revoked_on != entry["revoked_on"]:
            qualification.revoked_on, qualification.revoke_reason = entry["revoked_on"], _("Imported")
            qualification._history_user = by
            qualification._change_reason = IMPORT_REASON
            qualification.save()
    completions = record_completions(
        ((e["person"], e["course"], e["date"]) for e in records.completions), by=by
    )
    new_trainings = 0
    for entry in records.trainings:
        # Only live records count: a record the coordinator deleted is not brought back by
        # importing it again; a new one is made (and the deleted one stays restorable).
        training = TrainingRecord.objects.filter(
            organisation=organisation,
            title=entry["title"],
            provider=entry["provider"],
            date=entry["date"],
            hours=entry["hours"],
        ).first()
        if training is None:
            training = TrainingRecord(
                organisation=organisation,
                title=entry["title"],
                provider=entry["provider"],
                date=entry["date"],
                hours=entry["hours"],
            )
            training._history_user = by
            training._change_reason = IMPORT_REASON
            training.save()
        if not training.attendees.filter(pk=entry["person"].pk).exists():
            training._history_user = by
            training._change_reason = IMPORT_REASON
            training.attendees.add(entry["person"])
            new_trainings += 1
    return RecordsSummary(new_qualifications, len(completions), new_trainings)
