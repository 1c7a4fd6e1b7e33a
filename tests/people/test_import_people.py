"""The import_people command: good files import, bad files change nothing and say why."""

import datetime
import io

import pytest
from django.core.management import call_command

from people.models import Organisation, User

HEADER = "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
GOOD = HEADER + (
    "anna@example.org,Anna,Andersson,volunteer,2025-01-15,,no\n"
    "Britt@Example.org,Britt,Berg,volunteer;board,2020-03-01,2025-06-30,\n"
    "cilla@example.org,Cilla,Carlsson,staff,2019-08-01,,yes\n"
)


def run_import(tmp_path, content, slug="jour-a", encoding="utf-8", name="people.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_people", str(path), "--organisation", slug, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def snapshot():
    return sorted(User.objects.values_list()), sorted(Organisation.objects.values_list())


@pytest.mark.django_db
def test_good_file_creates_organisation_and_people(tmp_path):
    code, out, err = run_import(tmp_path, GOOD, slug="ny-jour")
    assert code == 0, err
    assert "Created organisation 'ny-jour'" in out
    assert "3 created, 0 updated" in out
    org = Organisation.objects.get(slug="ny-jour")
    people = {p.email: p for p in User.objects.filter(organisation=org)}
    assert set(people) == {"anna@example.org", "britt@example.org", "cilla@example.org"}
    britt = people["britt@example.org"]
    assert britt.member_groups == ["volunteer", "board"]
    assert britt.left_on == datetime.date(2025, 6, 30)
    assert people["cilla@example.org"].protected_identity is True
    assert people["anna@example.org"].protected_identity is False
    assert not britt.has_usable_password()


@pytest.mark.django_db
def test_reimport_updates_by_email_and_never_duplicates(tmp_path, org_a):
    assert run_import(tmp_path, GOOD)[0] == 0
    changed = GOOD.replace(
        "Anna,Andersson,volunteer,2025-01-15,,no", "Anna,Ek,volunteer;staff,2025-01-15,2026-01-01,no"
    )
    code, out, err = run_import(tmp_path, changed.replace("anna@", "ANNA@"))
    assert code == 0, err
    assert "Created organisation" not in out
    assert "0 created, 1 updated, 2 unchanged" in out
    assert User.objects.filter(organisation=org_a).count() == 3
    anna = User.objects.get(email="anna@example.org")
    assert anna.last_name == "Ek"
    assert anna.member_groups == ["volunteer", "staff"]
    assert anna.left_on == datetime.date(2026, 1, 1)


@pytest.mark.django_db
def test_semicolon_separated_with_bom_as_swedish_excel_writes_it(tmp_path, org_a):
    content = (
        "email;first_name;last_name;groups;joined_on;left_on;protected_identity\r\n"
        'asa@example.org;Åsa;Öberg;"volunteer;staff";2024-02-01;;nej\r\n'
    )
    code, _out, err = run_import(tmp_path, "\ufeff" + content)
    assert code == 0, err
    person = User.objects.get(email="asa@example.org")
    assert (person.first_name, person.last_name) == ("Åsa", "Öberg")
    assert person.member_groups == ["volunteer", "staff"]


@pytest.mark.django_db
def test_optional_columns_may_be_left_out(tmp_path, org_a):
    content = "email,first_name,last_name,groups,joined_on\nx@example.org,X,Y,board,2024-01-01\n"
    code, _out, err = run_import(tmp_path, content)
    assert code == 0, err
    assert User.objects.get(email="x@example.org").left_on is None


BAD_ROWS = [
    ("anna@example.org,Anna,A,volunteer;cook,2025-01-15,,no", "line 2: groups: unknown group 'cook'"),
    ("anna@example.org,Anna,A,volunteer,2025-13-01,,no", "line 2: joined_on: '2025-13-01' is not a date"),
    ("anna@example.org,Anna,A,volunteer,15/01/2025,,no", "line 2: joined_on: '15/01/2025' is not a date"),
    ("anna@example.org,Anna,A,volunteer,2025-01-15,2025-1-2,no", "line 2: left_on: '2025-1-2' is not a date"),
    (
        "anna@example.org,Anna,A,volunteer,2025-01-15,2025-01-14,no",
        "line 2: left_on: 2025-01-14 is before joined_on",
    ),
    (
        "anna.example.org,Anna,A,volunteer,2025-01-15,,no",
        "line 2: email: 'anna.example.org' is not a valid email",
    ),
    (",Anna,A,volunteer,2025-01-15,,no", "line 2: email: an email address is required"),
    (
        "anna@example.org,Anna,A,volunteer,2025-01-15,,maybe",
        "line 2: protected_identity: 'maybe' is not yes or no",
    ),
    ("anna@example.org,,A,volunteer,2025-01-15,,no", "line 2: first_name: a first name is required"),
    ("anna@example.org,Anna,A,volunteer,,,no", "line 2: joined_on: a date is required"),
    ("anna@example.org,Anna,A,volunteer,2025-01-15,,no,extra", "line 2: row: 8 cells but the header has 7"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "expected"), BAD_ROWS)
def test_each_kind_of_bad_row_is_refused_and_changes_nothing(tmp_path, org_a, row, expected):
    run_import(tmp_path, HEADER + "old@example.org,Old,Person,volunteer,2020-01-01,,no\n")
    before = snapshot()
    # The bad row is line 2; a good row after it must not be imported either.
    content = HEADER + row + "\nok@example.org,Ok,Person,staff,2024-01-01,,no\n"
    code, _out, err = run_import(tmp_path, content)
    assert code == 1
    assert err.strip().splitlines()[0].startswith(expected), err
    assert snapshot() == before


@pytest.mark.django_db
def test_duplicate_email_in_file_names_both_lines(tmp_path, org_a):
    content = HEADER + (
        "anna@example.org,Anna,A,volunteer,2025-01-15,,no\n"
        "britt@example.org,Britt,B,volunteer,2025-01-15,,no\n"
        "ANNA@example.org,Anna,Igen,volunteer,2025-01-15,,no\n"
    )
    before = snapshot()
    code, _out, err = run_import(tmp_path, content)
    assert code == 1
    assert err.strip() == "line 4: email: anna@example.org appears twice in the file (also on line 2)"
    assert snapshot() == before


@pytest.mark.django_db
def test_every_problem_is_reported_one_line_each_with_spreadsheet_line_numbers(tmp_path, org_a):
    content = HEADER + (
        "a@example.org,A,A,volunteer,2025-01-15,,no\n"
        "\n"  # a blank row still counts as a row in the spreadsheet
        "b@example.org,B,B,sailor,2025-01-15,,no\n"
        '"c@example.org",C,"Two\nlines",volunteer,2025-02-30,,no\n'
        "d@example.org,D,D,volunteer,2025-01-15,2024-01-01,no\n"
    )
    code, _out, err = run_import(tmp_path, content)
    assert code == 1
    assert err.strip().splitlines() == [
        "line 4: groups: unknown group 'sailor'; use volunteer, staff, board, separated by ';' or ','",
        "line 5: joined_on: '2025-02-30' is not a date in the form YYYY-MM-DD",
        "line 6: left_on: 2024-01-01 is before joined_on 2025-01-15",
    ]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_bad_file_does_not_create_the_organisation(tmp_path):
    code, out, _err = run_import(tmp_path, HEADER + "x,X,X,volunteer,2025-01-01,,no\n", slug="finns-inte")
    assert code == 1
    assert "Created organisation" not in out
    assert not Organisation.objects.filter(slug="finns-inte").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("email,first_name,last_name,joined_on\n", "line 1: header: missing column 'groups'"),
        (
            "email,first_name,last_name,groups,joined_on,shoe_size\n",
            "line 1: header: unknown column 'shoe_size'",
        ),
        ("", "line 1: header: the file is empty"),
    ],
)
def test_bad_header_is_refused(tmp_path, org_a, header, expected):
    code, _out, err = run_import(tmp_path, header)
    assert code == 1
    assert err.startswith(expected), err


@pytest.mark.django_db
def test_non_utf8_file_is_refused_with_a_clear_message(tmp_path, org_a):
    content = HEADER + "asa@example.org,Åsa,Öberg,volunteer,2025-01-15,,no\n"
    code, _out, err = run_import(tmp_path, content, encoding="utf-16")
    assert code == 1
    assert err.strip() == "line 1: file: the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_old_excels_windows_1252_file_is_read(tmp_path, org_a):
    content = HEADER + "asa@example.org,Åsa,Öberg,volunteer,2025-01-15,,no\n"
    code, _out, err = run_import(tmp_path, content, encoding="cp1252")
    assert (code, err) == (0, "")
    assert User.objects.get(email="asa@example.org").get_full_name() == "Åsa Öberg"


@pytest.mark.django_db
def test_email_of_another_organisation_is_refused(tmp_path, org_a, coordinator_b):
    before = snapshot()
    content = HEADER + "coord-b@example.org,Taken,Over,volunteer,2025-01-15,,no\n"
    code, _out, err = run_import(tmp_path, content)
    assert code == 1
    assert err.strip() == (
        "line 2: email: coord-b@example.org belongs to a person in another organisation; "
        "ask the umbrella administrator, who can move the person to your organisation"
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_file_is_an_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_people", str(tmp_path / "nope.csv"), "--organisation", "x")


@pytest.mark.django_db
def test_a_crafted_header_or_a_file_of_problems_is_refused_in_few_lines(org_a):
    """A header of 100,000 columns is one problem (checking each against the others took time
    proportional to the square of their number: hours for a 2 MB header), and a file full of
    problems is read up to MAX_PROBLEMS of them, then says where it stopped."""
    from people.importing import MAX_PROBLEMS, parse_people_csv

    parsed = parse_people_csv(",".join(["x"] * 100_000) + "\n", org_a)
    (problem,) = parsed.problems
    assert (problem.line, problem.column) == (1, "header") and "100000" in problem.message

    bad = HEADER + "".join(
        f"person{i}@example.org,P,Q,cook,2025-01-15,,no\n" for i in range(3 * MAX_PROBLEMS)
    )
    problems = parse_people_csv(bad, org_a).problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].column == "file" and str(MAX_PROBLEMS) in problems[-1].message
    assert not User.objects.filter(email__startswith="person").exists()
