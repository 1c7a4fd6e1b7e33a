"""Random values in every column of the three imports: the checks never fail with an exception,
whatever they accept the admin's forms accept too (the model fields' own checks), and writing
what they accept never fails (on PostgreSQL a value the columns cannot hold would)."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certifications.importing import apply_catalogue, apply_records, parse_catalogue, parse_records
from certifications.models import QualificationType, ShiftRole, TrainingRecord
from courses.models import Completion
from people.importing import apply_people_import, parse_people_csv
from people.models import User
from tests.factories import PersonFactory, make_course
from tests.security.test_fuzz_inputs import dates, numbers, rolled_back, texts

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
cells = st.one_of(texts, numbers, dates)


def as_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def checked_as_in_the_admin(instance, exclude=()) -> None:
    """The row's fields pass the model's own field checks (what the admin form runs)."""
    try:
        instance.clean_fields(exclude=["password", *exclude])
    except ValidationError as exc:  # pragma: no cover - the finding
        pytest.fail(f"the import accepted what the admin refuses: {exc.message_dict}")


def mutated(valid_rows: list[list[str]]) -> st.SearchStrategy[list[list[str]]]:
    """Rows that would be accepted, with up to two cells each replaced by a random value."""
    row = st.tuples(
        st.sampled_from(valid_rows),
        st.dictionaries(st.integers(min_value=0, max_value=len(valid_rows[0]) - 1), cells, max_size=2),
    ).map(lambda pair: [pair[1].get(index, value) for index, value in enumerate(pair[0])])
    return st.lists(row, min_size=1, max_size=3)


PEOPLE_HEADER = ["email", "first_name", "last_name", "groups", "joined_on", "left_on", "protected_identity"]
people_rows = mutated(
    [
        ["anna@example.org", "Anna", "Andersson", "volunteer", "2025-01-15", "", "no"],
        ["britt@example.org", "Britt", "", "staff;board", "1900-01-01", "2100-12-31", "yes"],
    ]
)


@FUZZ
@given(rows=people_rows)
def test_the_people_import_accepts_only_what_the_register_accepts(org_a, rows):
    with rolled_back():
        parsed = parse_people_csv(as_csv(PEOPLE_HEADER, rows), org_a)
        if parsed.ok:
            apply_people_import(parsed, org_a)
            for person in User.objects.filter(email__in=[row.email for row in parsed.rows]):
                checked_as_in_the_admin(person)


@pytest.fixture
def setting(org_a):
    PersonFactory(email="anna@example.org", organisation=org_a)
    course = make_course(org_a, title="Cirkel", units=1)
    QualificationType.objects.create(organisation=org_a, name="Tystnadslöfte", valid_months=12)
    return course


RECORD_HEADER = ["email", "kind", "name", "date", "hours", "provider", "expires_on", "revoked_on"]
record_rows = mutated(
    [
        ["anna@example.org", "qualification", "Tystnadslöfte", "2026-01-15", "", "", "2027-01-15", ""],
        ["anna@example.org", "course_completion", "Cirkel", "2025-05-07", "", "", "", ""],
        ["anna@example.org", "training", "Barnkonferens", "2026-03-10", "4.5", "Roks", "", ""],
    ]
)


@FUZZ
@given(rows=record_rows)
def test_the_records_import_accepts_only_what_the_admin_accepts(org_a, setting, rows):
    with rolled_back():
        records = parse_records(as_csv(RECORD_HEADER, rows), org_a)
        if not records.problems:
            apply_records(records, org_a)
            for record in TrainingRecord.objects.all():
                checked_as_in_the_admin(record, exclude=["organisation"])
            for completion in Completion.objects.all():
                checked_as_in_the_admin(completion)
            for person in User.objects.filter(email="anna@example.org"):
                for qualification in person.jour_qualifications.all():
                    checked_as_in_the_admin(qualification)


yaml_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.lists(st.one_of(st.just("Tystnadslöfte"), texts, st.integers()), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)
type_entries = st.fixed_dictionaries(
    {"name": st.one_of(st.just("Typ"), texts)},
    optional={"valid_months": yaml_values, "description": yaml_values, "granted_by_course": yaml_values},
)
role_entries = st.fixed_dictionaries(
    {"name": st.one_of(st.just("Roll"), texts)},
    optional={
        "requires": yaml_values,
        "min_training_hours": yaml_values,
        "training_window_months": yaml_values,
        "description": yaml_values,
    },
)
catalogues = st.fixed_dictionaries(
    {},
    optional={
        "qualification_types": st.one_of(st.lists(type_entries, max_size=2), yaml_values),
        "shift_roles": st.one_of(st.lists(role_entries, max_size=2), yaml_values),
    },
)


@FUZZ
@given(catalogue=catalogues)
def test_the_catalogue_import_accepts_only_what_the_admin_accepts(org_a, setting, catalogue):
    text = yaml.safe_dump(catalogue, allow_unicode=True)
    with rolled_back():
        parsed = parse_catalogue(text, org_a)
        if not parsed.problems:
            apply_catalogue(parsed, org_a)
            for qualification_type in QualificationType.objects.all():
                checked_as_in_the_admin(qualification_type)
            for role in ShiftRole.objects.all():
                checked_as_in_the_admin(role)
