"""The external version lets no one work out a count from 1 to 4 (issue 16).

A count from 1 to 4 is "<5". A total shown beside its parts would still give it away (23 volunteers
and staff, 20 of them volunteers: 3 staff), so such a total is hidden too ("x"). These tests play
the reader: given every figure the external version shows, can a "<5" be pinned to one value?
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certifications.report import competence_report
from certifications.report.figures import GROUPS, HIDDEN, SUPPRESSED, external_version
from tests.certifications.conftest import train
from tests.conftest import STOCKHOLM
from tests.factories import PersonFactory

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)
SHIFT = ("volunteer", "staff")


# The reader ---------------------------------------------------------------------------------------


def relations(report: dict) -> list[tuple[tuple, list[tuple]]]:
    """Every count of people the external report shows beside its parts, as paths into the
    report: written here from the report's meaning, not taken from the code under test."""
    found = [
        (("people", "shift_workers"), [("people", group, "active") for group in SHIFT]),
        (("total_active",), [("people", "shift_workers"), ("people", "board_only")]),
        (("trained", "total"), [("trained", group) for group in GROUPS]),
    ]
    for n, _line in enumerate(report["continuing_education"]):
        found.append(
            (
                ("continuing_education", n, "participants_total"),
                [("continuing_education", n, "participants", group) for group in GROUPS],
            )
        )
    years = report.get("per_year", [])
    for key, total in (
        ("sessions", ("basic_training", "sessions")),
        ("participants", ("basic_training", "participants")),
        ("completed", ("basic_training", "completed")),
        ("trained", ("trained", "total")),
    ):
        if years:
            found.append((total, [("per_year", n, key) for n in range(len(years))]))
    return found


def hours_relations(report: dict) -> list[tuple[tuple, list[tuple]]]:
    """Every total of hours the external report shows beside its parts."""
    found = [(("training_hours", "total"), [("training_hours", group) for group in GROUPS])]
    if "per_year" in report:
        years = range(len(report["per_year"]))
        found.append((("training_hours", "total"), [("per_year", n, "training_hours_total") for n in years]))
    return found


def hours_pinned(report: dict) -> list[tuple]:
    """The hours withheld ("<5": a group's that a small count of people trained) that a reader
    can work out to the hour: hours withheld can be any number, so only a sum that leaves one
    of them unknown pins it."""
    known = {
        path: at(report, path)
        for total, parts in hours_relations(report)
        for path in (total, *parts)
        if at(report, path) not in (SUPPRESSED, HIDDEN)
    }
    solved = True
    while solved:
        solved = False
        for total, parts in hours_relations(report):
            unknown = [path for path in (total, *parts) if path not in known]
            if len(unknown) == 1:
                (path,) = unknown
                others = sum(known[part] for part in parts if part != path)
                known[path] = sum(known[part] for part in parts) if path == total else known[total] - others
                solved = True
    return [path for path in known if at(report, path) == SUPPRESSED]


def at(report: dict, path: tuple):
    for key in path:
        report = report[key]
    return report


def pinned(report: dict) -> list[tuple]:
    """The "<5" figures a reader can pin to one value, taking the parts of every total as apart
    (the worst case): every way of filling in the "<5" figures (1 to 4 each) that the totals
    allow, the hidden figures ("x", 5 or more) worked out where a total leaves one of them.
    Totals that share no figure are read apart (their ways do not multiply)."""
    found = []
    for sums in _connected(relations(report)):
        suppressed = sorted(
            {path for total, parts in sums for path in (total, *parts) if at(report, path) == SUPPRESSED}
        )
        seen: dict[tuple, set[int]] = {path: set() for path in suppressed}
        for guess in itertools.product(range(1, 5), repeat=len(suppressed)):
            known = dict(zip(suppressed, guess, strict=True))
            if _consistent(report, sums, dict(known)):
                for path, value in known.items():
                    seen[path].add(value)
        found += [path for path, values in seen.items() if len(values) == 1]
    return found


def _connected(sums: list) -> list[list]:
    """The totals in groups that share figures."""
    groups: list[tuple[set, list]] = []
    for total, parts in sums:
        paths = {total, *parts}
        joined = [group for group in groups if group[0] & paths]
        for group in joined:
            groups.remove(group)
            paths |= group[0]
        groups.append((paths, [item for group in joined for item in group[1]] + [(total, parts)]))
    return [members for _paths, members in groups]


def _consistent(report: dict, sums, known: dict) -> bool:
    """Whether the totals allow the guessed "<5" figures, solving hidden figures as they go."""

    def value(path):
        return known[path] if path in known else at(report, path)

    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            cells = [total, *parts]
            unknown = [path for path in cells if value(path) == HIDDEN]
            if len(unknown) > 1:
                continue
            if not unknown:
                if value(total) != sum(value(part) for part in parts):
                    return False
                continue
            (path,) = unknown
            solved = (
                sum(value(part) for part in parts)
                if path == total
                else value(total) - sum(value(part) for part in parts if part != path)
            )
            if solved < 5:
                return False
            known[path] = solved
            changed = True
    return True


# Reports as hypothesis draws them: groups apart, every total the sum of its parts -----------------


@st.composite
def internal_reports(draw) -> dict:
    small = st.integers(min_value=0, max_value=9)
    active = {group: draw(small) for group in GROUPS}
    trained = {group: draw(small) for group in GROUPS}
    lines = [
        {group: draw(small) for group in GROUPS} for _ in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    years = draw(st.integers(min_value=1, max_value=3))
    per_year = [
        {key: draw(small) for key in ("sessions", "participants", "completed", "trained")}
        for _ in range(years)
    ]
    if years > 1:  # the period's trained people, each once, are the years' (each in one year)
        total = sum(trained.values())
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=years - 1, max_size=years - 1)))
        for year, (low, high) in zip(per_year, zip([0, *cuts], [*cuts, total], strict=True), strict=True):
            year["trained"] = high - low
    else:
        per_year = []
    return _report(active, trained, lines, per_year)


def _report(active: dict, trained: dict, lines: list[dict], per_year: list[dict]) -> dict:
    hours = {group: 3 * n for group, n in trained.items()}
    basic = {
        "runs": 1,
        "sessions": sum(y["sessions"] for y in per_year) if per_year else 8,
        "hours": 20,
        "participants": sum(y["participants"] for y in per_year) if per_year else 6,
        "completed": sum(y["completed"] for y in per_year) if per_year else 5,
        "planned_sessions": 0,
    }
    report = {
        "organisation": "jour",
        "period": {"start": "2023-01-01", "end": "2026-12-31"},
        "as_of": "2026-11-26",
        "people": {
            **{group: {"active": active[group], "joined": 0, "left": 0} for group in GROUPS},
            "shift_workers": active["volunteer"] + active["staff"],
            "board_only": active["board"],
        },
        "total_active": sum(active.values()),
        "basic_training": basic,
        "continuing_education": [
            {
                "title": f"Kurs {n}",
                "provider": "Roks",
                "date": "2026-03-01",
                "hours": 3,
                "participants": line,
                "participants_total": sum(line.values()),
            }
            for n, line in enumerate(lines)
        ],
        "training_hours": {**hours, "total": sum(hours.values())},
        "trained": {**trained, "total": sum(trained.values())},
        "hours_distribution": {"zero": 0, "met_minimum": {}},
        "hours_per_person": [],
        "qualifications": [],
        "basic_holders": 0,
        "pledge": {"current": 0, "due": 0, "renewed_on_time": 0},
        "clearance": [
            {"role": "Telefonjour", "cleared": 0, "shift_workers": active["volunteer"] + active["staff"]}
        ],
    }
    if per_year:
        report["per_year"] = [
            {
                "year": 2023 + n,
                "hours": 0,
                **year,
                "continuing_education_lines": 0,
                "training_hours_total": 3 * year["trained"],
            }
            for n, year in enumerate(per_year)
        ]
    return report


@settings(max_examples=500, deadline=None, database=None)
@given(internal_reports())
def test_no_total_lets_a_reader_pin_a_small_count(report):
    external = external_version(report)
    assert pinned(external) == []
    assert hours_pinned(external) == []
    # Hidden only what must be: every figure shown is the true one.
    for total, parts in relations(external):
        for path in (total, *parts):
            shown = at(external, path)
            if shown not in (SUPPRESSED, HIDDEN):
                assert shown == at(report, path)
            if shown == HIDDEN:
                assert at(report, path) >= 5  # a count from 1 to 4 is "<5", never "x"
            elif path not in [p for _t, parts in hours_relations(report) for p in (_t, *parts)]:
                assert (shown == SUPPRESSED) == (1 <= at(report, path) <= 4)


def test_the_reader_pins_the_three_staff_when_nothing_is_hidden():
    """The reader above is not blind: with the totals shown, 23 − 20 gives the 3 staff away."""
    report = _report(
        {"volunteer": 20, "staff": 3, "board": 0}, {"volunteer": 0, "staff": 0, "board": 0}, [], []
    )
    withheld = {
        **report,
        "people": {**report["people"], "staff": {"active": SUPPRESSED, "joined": 0, "left": 0}},
    }
    assert pinned(withheld) == [("people", "staff", "active")]


def test_a_group_of_three_beside_twenty_hides_the_totals_not_the_groups():
    report = _report(
        {"volunteer": 20, "staff": 3, "board": 2},
        {"volunteer": 12, "staff": 3, "board": 0},
        [{"volunteer": 10, "staff": 3, "board": 0}],
        [],
    )
    external = external_version(report)
    people = external["people"]
    assert people["volunteer"]["active"] == 20  # the groups stay
    assert people["staff"]["active"] == SUPPRESSED
    assert people["shift_workers"] == HIDDEN  # 23 − 20 = 3
    assert external["clearance"][0]["shift_workers"] == HIDDEN
    assert people["board_only"] == SUPPRESSED
    # 25 in all: staff and board-only members are 5 together, which pins neither.
    assert external["total_active"] == 25
    line = external["continuing_education"][0]
    assert line["participants"] == {"volunteer": 10, "staff": SUPPRESSED, "board": 0}
    assert line["participants_total"] == HIDDEN  # 13 − 10 = 3
    assert line["hours"] == 3  # the course's hours tell no count
    assert external["trained"] == {"volunteer": 12, "staff": SUPPRESSED, "board": 0, "total": HIDDEN}
    assert external["training_hours"] == {"volunteer": 36, "staff": SUPPRESSED, "board": 0, "total": HIDDEN}


def test_a_year_of_three_sessions_hides_another_year_not_the_period():
    per_year = [
        {"sessions": 16, "participants": 8, "completed": 6, "trained": 9},
        {"sessions": 3, "participants": 7, "completed": 5, "trained": 8},
        {"sessions": 12, "participants": 6, "completed": 5, "trained": 7},
    ]
    report = _report(
        {"volunteer": 20, "staff": 6, "board": 5}, {"volunteer": 24, "staff": 0, "board": 0}, [], per_year
    )
    external = external_version(report)
    assert external["basic_training"]["sessions"] == 31  # the period's figure stays
    assert [y["sessions"] for y in external["per_year"]] == [
        16,
        SUPPRESSED,
        HIDDEN,
    ]  # the smaller of the others
    assert pinned(external) == []


# Built from the database, read as the board hands it over ----------------------------------------


@pytest.fixture
def three_staff_beside_volunteers(org_a, clock):
    volunteers = [PersonFactory(organisation=org_a, joined_on=D(2024, 1, 1)) for _ in range(9)]
    staff = [
        PersonFactory(organisation=org_a, joined_on=D(2024, 1, 1), group_volunteer=False, group_staff=True)
        for _ in range(3)
    ]
    train(org_a, volunteers + staff, "2026-04-01", "6", title="Hot och våld", provider="Roks")
    clock.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=STOCKHOLM))
    return volunteers, staff


def test_three_staff_on_a_course_with_volunteers(org_a, three_staff_beside_volunteers):
    """9 volunteers and 3 staff, 12 each once: 12 − 9 would tell the 3."""
    internal = competence_report(org_a, START, END)
    assert internal["people"]["staff"]["active"] == 3 and internal["people"]["shift_workers"] == 12
    external = competence_report(org_a, START, END, external=True)
    assert external["people"]["staff"]["active"] == SUPPRESSED
    assert external["people"]["volunteer"]["active"] == 9
    assert external["people"]["shift_workers"] == HIDDEN
    (line,) = external["continuing_education"]
    assert line["participants"]["staff"] == SUPPRESSED and line["participants_total"] == HIDDEN
    assert external["training_hours"]["staff"] == SUPPRESSED  # 18 hours would tell 3
    assert external["training_hours"]["total"] == HIDDEN  # 72 − 54 = 18 would too
    assert external["total_active"] == HIDDEN
    assert pinned(external) == []
    # The narrative says no share of a hidden number of people.
    assert "%" not in external["narrative"]


def test_the_spreadsheet_shows_x_and_says_what_it_means(
    client, org_a, board_a, three_staff_beside_volunteers
):
    import io

    import openpyxl
    from django.urls import reverse

    from tests.auth import sign_in

    sign_in(client, board_a)
    response = client.post(
        reverse("certifications_report"), {"year": "2026", "version": "external", "action": "xlsx"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    people = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert people["Volontär"] == 10  # the board member signed in is a volunteer too
    assert people["Anställd"] == "<5"
    assert people["Aktiva volontärer och anställda (varje person en gång)"] == "x"
    about = [
        row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) if row[0] in ("<5", "x")
    ]
    assert [row[0] for row in about] == ["<5", "x"]
    assert all(row[1] for row in about)


def test_a_total_that_its_parts_cannot_make_is_hidden_too():
    """People in two groups: 10 trained, 10 of them volunteers and 2 on the board. The sum does
    not add up, so a reader learns the groups overlap, and the total is hidden anyway."""
    report = _report(
        {"volunteer": 12, "staff": 6, "board": 2}, {"volunteer": 10, "staff": 0, "board": 2}, [], []
    )
    report["trained"]["total"] = 10
    external = external_version(report)
    assert external["trained"]["board"] == SUPPRESSED
    assert external["trained"]["total"] == HIDDEN
