"""Every clause of the clearance rule, boundaries included (certifications/clearance.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifications.clearance import clearance
from certifications.dates import add_months, format_hours
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory, make_course, make_run

D = datetime.date


def result(org, person, role, on):
    (found,) = [c for c in clearance(org, D.fromisoformat(on), people=[person]) if c.role == role]
    return found


def fully_qualified(person, catalogue, org):
    qualify(person, catalogue["basic"], "2024-03-01")
    qualify(person, catalogue["pledge"], "2026-01-31")  # expires 2027-01-31
    train(org, [person], "2026-06-01", "6")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2026-03-31", -1, "2026-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-11-15", 2, "2027-01-15"),
        ("2026-05-31", -12, "2025-05-31"),
    ],
)
def test_add_months_clamps_to_the_months_end(day, months, expected):
    assert add_months(D.fromisoformat(day), months) == D.fromisoformat(expected)


def test_hours_are_written_without_trailing_zeros():
    assert [format_hours(Decimal(x)) for x in ("4.50", "6.00", "0", "2.25", "10")] == [
        "4.5",
        "6",
        "0",
        "2.25",
        "10",
    ]


def test_cleared_person(org_a, catalogue, person):
    fully_qualified(person, catalogue, org_a)
    found = result(org_a, person, catalogue["phone"], "2026-11-22")
    assert found.cleared and found.reason_codes == [] and found.warning_codes == []


def test_active_boundaries(org_a, catalogue):
    person = PersonFactory(organisation=org_a, joined_on=D(2025, 2, 1), left_on=D(2026, 12, 31))
    qualify(person, catalogue["basic"], "2024-01-01")
    chat = catalogue["chat"]
    assert result(org_a, person, chat, "2025-01-31").reason_codes == ["inactive"]
    assert result(org_a, person, chat, "2025-02-01").cleared  # the day she joined
    assert result(org_a, person, chat, "2026-12-31").cleared  # the day she left
    assert result(org_a, person, chat, "2027-01-01").reason_codes == ["inactive"]
    never_joined = PersonFactory(organisation=org_a, joined_on=None)
    qualify(never_joined, catalogue["basic"], "2024-01-01")
    assert result(org_a, never_joined, chat, "2026-01-01").reason_codes == ["inactive"]


def test_missing_when_nothing_issued_on_or_before_the_day(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2026-05-10")
    chat = catalogue["chat"]
    assert result(org_a, person, chat, "2026-05-09").reason_codes == ["missing:Grundutbildning"]
    assert result(org_a, person, chat, "2026-05-10").cleared  # valid from the day of issue


def test_expiry_boundary_and_default_from_validity(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01")
    pledge = qualify(person, catalogue["pledge"], "2026-01-31")
    assert pledge.expires_on == D(2027, 1, 31)
    train(org_a, [person], "2026-12-01", "6")
    phone = catalogue["phone"]
    assert result(org_a, person, phone, "2027-01-31").cleared  # the day of expiry is still valid
    assert result(org_a, person, phone, "2027-02-01").reason_codes == ["expired:Tystnadslöfte"]


def test_month_end_clamping_of_the_default_expiry(org_a, catalogue, person):
    from certifications.models import QualificationType

    monthly = QualificationType.objects.create(organisation=org_a, name="Månadsvis", valid_months=1)
    assert qualify(person, monthly, "2026-01-31").expires_on == D(2026, 2, 28)
    assert qualify(person, monthly, "2024-01-31").expires_on == D(2024, 2, 29)


def test_an_edited_expiry_is_kept(org_a, catalogue, person):
    pledge = qualify(person, catalogue["pledge"], "2026-01-10", expires="2026-06-30")
    assert pledge.expires_on == D(2026, 6, 30)


def test_revocation_boundary(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01", revoked="2026-09-15")
    chat = catalogue["chat"]
    assert result(org_a, person, chat, "2026-09-14").cleared  # the day before revocation
    assert result(org_a, person, chat, "2026-09-15").reason_codes == ["revoked:Grundutbildning"]


def test_revoked_only_when_the_most_recently_issued_one_was_revoked(org_a, catalogue, person):
    chat = catalogue["chat"]
    # An old one that expired, a newer one revoked: revoked.
    qualify(person, catalogue["pledge"], "2023-01-01", expires="2024-01-01")
    qualify(person, catalogue["basic"], "2024-01-01")
    from certifications.models import ShiftRoleRequirement

    ShiftRoleRequirement.objects.create(role=chat, qualification_type=catalogue["pledge"], sort_order=1)
    qualify(person, catalogue["pledge"], "2025-01-01", revoked="2025-06-01")
    assert result(org_a, person, chat, "2026-01-01").reason_codes == ["revoked:Tystnadslöfte"]
    # A newer one issued after the revoked one, then expired: expired.
    qualify(person, catalogue["pledge"], "2025-07-01", expires="2025-12-31")
    assert result(org_a, person, chat, "2026-01-01").reason_codes == ["expired:Tystnadslöfte"]
    # A revoked one whose revocation lies after D, and which expired before D: expired.
    other = PersonFactory(organisation=org_a)
    qualify(other, catalogue["basic"], "2024-01-01")
    qualify(other, catalogue["pledge"], "2024-01-01", expires="2024-12-31", revoked="2026-03-01")
    assert result(org_a, other, chat, "2025-06-01").reason_codes == ["expired:Tystnadslöfte"]


def test_any_valid_qualification_of_the_type_is_enough(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2020-01-01", revoked="2021-01-01")
    qualify(person, catalogue["basic"], "2022-01-01")
    assert result(org_a, person, catalogue["chat"], "2026-01-01").cleared


def test_hours_window_boundaries(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01")
    qualify(person, catalogue["pledge"], "2026-01-01", expires="2030-01-01")
    phone = catalogue["phone"]
    train(org_a, [person], "2025-11-22", "4.5")  # the first day of the window for 2026-11-22
    assert result(org_a, person, phone, "2026-11-22").reason_codes == ["hours:4.5/6"]
    train(org_a, [person], "2026-11-22", "1.5")  # the last day (D itself)
    assert result(org_a, person, phone, "2026-11-22").cleared
    # One day later the first record falls out of the window.
    assert result(org_a, person, phone, "2026-11-23").reason_codes == ["hours:1.5/6"]
    # A record after D does not count.
    train(org_a, [person], "2026-11-24", "10")
    assert result(org_a, person, phone, "2026-11-23").reason_codes == ["hours:1.5/6"]


def test_hours_window_start_is_clamped_like_expiry(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01")
    qualify(person, catalogue["pledge"], "2025-01-01", expires="2030-01-01")
    catalogue["phone"].training_window_months = 1
    catalogue["phone"].save()
    train(org_a, [person], "2025-02-28", "6")
    # 2025-03-31 − 1 month = 2025-02-28: included.
    assert result(org_a, person, catalogue["phone"], "2025-03-31").cleared
    train(org_a, [person], "2024-02-29", "6")  # leap day
    assert result(org_a, person, catalogue["phone"], "2024-03-29").hours == 6  # start 2024-02-29
    assert result(org_a, person, catalogue["phone"], "2024-03-31").hours == 6  # start 2024-02-29 (clamped)
    assert result(org_a, person, catalogue["phone"], "2024-04-01").hours == 0  # start 2024-03-01


def test_attended_continuing_education_sessions_count_their_unit_hours(
    org_a, catalogue, person, coordinator_a
):
    from courses.attendance import enrol, set_marks

    qualify(person, catalogue["basic"], "2024-01-01")
    qualify(person, catalogue["pledge"], "2026-01-01", expires="2030-01-01")
    theme = make_course(org_a, title="Temadag", units=3, kind="continuing")  # 2.5 h a unit
    run = make_run(theme, D(2026, 10, 1))
    enrol(run, [person])
    sessions = list(run.sessions.order_by("starts_at"))
    set_marks(sessions[0], {person.pk: "present"}, coordinator_a)
    set_marks(sessions[1], {person.pk: "late"}, coordinator_a)
    set_marks(sessions[2], {person.pk: "absent"}, coordinator_a)
    found = result(org_a, person, catalogue["phone"], "2026-11-22")
    assert found.hours == Decimal("5")  # present and late count, absent does not
    assert found.reason_codes == ["hours:5/6"]
    # Sessions of a basic course are not continuing education.
    basic_run = make_run(make_course(org_a, title="Cirkel", units=8), D(2026, 10, 1))
    enrol(basic_run, [person])
    set_marks(basic_run.sessions.order_by("starts_at").first(), {person.pk: "present"}, coordinator_a)
    assert result(org_a, person, catalogue["phone"], "2026-11-22").hours == Decimal("5")
    # Nor does a cancelled session.
    sessions[0].status, sessions[0].cancel_reason = "cancelled", "Sjukdom"
    sessions[0].save()
    assert result(org_a, person, catalogue["phone"], "2026-11-22").hours == Decimal("2.5")


def test_reasons_come_in_order(org_a, catalogue):
    person = PersonFactory(organisation=org_a, joined_on=D(2027, 1, 1))
    qualify(person, catalogue["pledge"], "2024-01-01")  # expired 2025-01-01
    train(org_a, [person], "2026-06-01", "2.5")
    found = result(org_a, person, catalogue["phone"], "2026-11-22")
    assert found.reason_codes == [
        "inactive",
        "missing:Grundutbildning",
        "expired:Tystnadslöfte",
        "hours:2.5/6",
    ]
    assert not found.cleared and found.warning_codes == []


def test_expiring_warning_within_30_days(org_a, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01")
    qualify(person, catalogue["pledge"], "2025-12-22")  # expires 2026-12-22
    train(org_a, [person], "2026-06-01", "6")
    phone = catalogue["phone"]
    assert result(org_a, person, phone, "2026-11-21").warning_codes == []  # 31 days before
    assert result(org_a, person, phone, "2026-11-22").warning_codes == ["expiring:Tystnadslöfte:2026-12-22"]
    assert result(org_a, person, phone, "2026-12-21").warning_codes == ["expiring:Tystnadslöfte:2026-12-22"]
    # On the day of expiry D < expires_on no longer holds.
    assert result(org_a, person, phone, "2026-12-22").warning_codes == []
    # A renewal that runs further removes the warning: the latest expiry counts.
    qualify(person, catalogue["pledge"], "2026-11-01")
    assert result(org_a, person, phone, "2026-11-22").warning_codes == []


def test_json_order_people_by_email_then_roles(org_a, catalogue):
    PersonFactory(email="b@example.org", organisation=org_a)
    PersonFactory(email="a@example.org", organisation=org_a)
    results = clearance(org_a, D(2026, 11, 22))
    assert [(c.person.email, c.role.name) for c in results] == [
        ("a@example.org", "Telefonjour"),
        ("a@example.org", "Chattjour"),
        ("b@example.org", "Telefonjour"),
        ("b@example.org", "Chattjour"),
    ]


def test_another_organisations_records_never_count(org_a, org_b, catalogue, person):
    qualify(person, catalogue["basic"], "2024-01-01")
    stranger = PersonFactory(organisation=org_b)
    assert all(c.person.organisation_id == org_a.pk for c in clearance(org_a, D(2026, 11, 22)))
    assert clearance(org_b, D(2026, 11, 22)) == []  # B has no roles
    assert stranger.pk not in {c.person.pk for c in clearance(org_a, D(2026, 11, 22))}


def test_query_count_does_not_grow_with_people(org_a, catalogue, coordinator_a):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            clearance(org_a, D(2026, 11, 22))
        return len(ctx)

    def add_people(n):
        for person in PersonFactory.create_batch(n, organisation=org_a):
            fully_qualified(person, catalogue, org_a)

    add_people(3)
    few = count()
    add_people(30)
    assert count() == few <= 8


def test_the_collector_is_paused_only_while_the_engine_works(org_a, catalogue, person):
    import gc

    from certifications.clearance import collector_paused

    assert gc.isenabled()
    clearance(org_a, D(2026, 11, 22))
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        clearance(org_a, D(2026, 11, 22))
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
