"""Qualification types that apply to some member groups only (certifications/applicability.py):
a type is required of a person only when it applies to one of her groups, everywhere the
requirement shows (the engine, the board, My training, reminders, the report, the admin, the
catalogue import)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from certifications.applicability import applies, groups_display, normalised, validate_member_groups
from certifications.clearance import clearance
from certifications.models import QualificationType, ShiftRoleRequirement
from certifications.reminders import send_reminders
from certifications.report import competence_report
from certifications.report.charts import coverage_figure
from tests.auth import sign_in
from tests.certifications.conftest import qualify
from tests.factories import PersonFactory

D = datetime.date
ON = D(2026, 11, 25)


@pytest.mark.parametrize(
    ("applies_to", "groups", "expected"),
    [
        ([], ("volunteer",), True),  # everyone
        ([], (), True),
        (["staff"], ("staff",), True),
        (["staff"], ("volunteer",), False),
        (["staff"], ("board",), False),
        (["staff"], ("volunteer", "staff"), True),  # one of her groups is enough
        (["staff", "board"], ("board",), True),
        (["staff"], (), True),  # in no group: held to every requirement
    ],
)
def test_the_rule(applies_to, groups, expected):
    assert applies(applies_to, groups) is expected


def test_groups_are_kept_in_order_once_and_all_is_none():
    assert normalised(["board", "staff", "board"]) == ["staff", "board"]
    assert normalised(["board", "volunteer", "staff"]) == []
    with translation.override("sv"):
        assert groups_display([]) == "Alla grupper"
        assert groups_display(["board", "staff"]) == "Anställd, Styrelse"
    validate_member_groups(["staff"])
    for bad in (["chef"], "staff", [1]):
        with pytest.raises(ValidationError):
            validate_member_groups(bad)


@pytest.fixture
def staff_only(org_a, catalogue):
    """Barnkompetens (staff only, 12 months) required by Chattjour, besides Grundutbildning."""
    child = QualificationType.objects.create(
        organisation=org_a, name="Barnkompetens", valid_months=12, applies_to=["staff"]
    )
    ShiftRoleRequirement.objects.create(role=catalogue["chat"], qualification_type=child, sort_order=1)
    return child


def member(org, catalogue, email, **groups):
    """A person with the basic training and the given groups (none given: a volunteer)."""
    flags = {"group_volunteer": False, "group_staff": False, "group_board": False, **groups}
    if not groups:
        flags["group_volunteer"] = True
    person = PersonFactory(
        email=email, first_name=email.split("@")[0].capitalize(), organisation=org, **flags
    )
    qualify(person, catalogue["basic"], "2024-01-01")
    return person


@pytest.fixture
def people(org_a, catalogue, staff_only):
    return {
        "volunteer": member(org_a, catalogue, "vera@example.org"),
        "staff": member(org_a, catalogue, "stina@example.org", group_staff=True),
        "both": member(org_a, catalogue, "bodil@example.org", group_volunteer=True, group_staff=True),
        "board": member(org_a, catalogue, "birgit@example.org", group_board=True),
        "none": member(org_a, catalogue, "nils@example.org", group_volunteer=False),
        "qualified": member(org_a, catalogue, "signe@example.org", group_staff=True),
    }


def chat_of(org, catalogue, person, on=ON):
    (found,) = clearance(org, on, roles=[catalogue["chat"]], people=[person])
    return found


def test_a_staff_only_type_is_required_of_staff_only(org_a, catalogue, staff_only, people):
    qualify(people["qualified"], staff_only, "2026-01-10")
    assert chat_of(org_a, catalogue, people["volunteer"]).cleared
    assert chat_of(org_a, catalogue, people["board"]).cleared
    for key in ("staff", "both", "none"):
        found = chat_of(org_a, catalogue, people[key])
        assert not found.cleared and found.reason_codes == ["missing:Barnkompetens"], key
    assert chat_of(org_a, catalogue, people["qualified"]).cleared
    # Its other requirements still hold for everyone.
    other = member(org_a, catalogue, "olga@example.org")
    other.jour_qualifications.all().delete()
    assert chat_of(org_a, catalogue, other).reason_codes == ["missing:Grundutbildning"]


def test_no_reason_and_no_warning_outside_its_groups(org_a, catalogue, staff_only, people):
    # Vera once took it: expiring soon, or lapsed, it is nothing to her.
    qualify(people["volunteer"], staff_only, "2025-12-10")  # expires 2026-12-10
    qualify(people["staff"], staff_only, "2025-12-10")
    assert chat_of(org_a, catalogue, people["volunteer"]).warning_codes == []
    assert chat_of(org_a, catalogue, people["staff"]).warning_codes == ["expiring:Barnkompetens:2026-12-10"]
    later = D(2026, 12, 11)
    assert chat_of(org_a, catalogue, people["volunteer"], later).cleared
    assert chat_of(org_a, catalogue, people["staff"], later).reason_codes == ["expired:Barnkompetens"]


def test_the_engine_takes_the_same_queries_with_types_for_some_groups(org_a, catalogue, people):
    def count():
        with CaptureQueriesContext(connection) as queries:
            clearance(org_a, ON)
        return len(queries)

    restricted = count()
    QualificationType.objects.filter(name="Barnkompetens").update(applies_to=[])
    assert count() == restricted
    QualificationType.objects.filter(name="Barnkompetens").update(applies_to=["staff"])
    for n in range(20):
        member(org_a, catalogue, f"extra{n}@example.org", group_staff=n % 2 == 0, group_board=n % 3 == 0)
    assert count() == restricted <= 8


@pytest.mark.awkward_moments
def test_the_board_and_my_training_show_it_for_staff_only(client, coordinator_a, catalogue, people):
    sign_in(client, coordinator_a)
    page = client.get(reverse("certifications_board"), {"role": catalogue["chat"].pk}).context["page"]
    rows = {row.person.email: row for row in page.object_list}
    assert rows["vera@example.org"].cleared
    assert not rows["stina@example.org"].cleared
    html = client.get(reverse("certifications_board"), {"role": catalogue["chat"].pk}).content.decode()
    assert "Barnkompetens saknas" in html
    staff = client.get(reverse("certifications_board"), {"group": "staff", "cleared": "no"}).context["page"]
    assert {row.person.email for row in staff.object_list} >= {"stina@example.org", "bodil@example.org"}

    sign_in(client, people["volunteer"])
    roles = {item["role"].name: item for item in client.get(reverse("my_training")).context["roles"]}
    assert roles["Chattjour"]["cleared"] and roles["Chattjour"]["reasons"] == []
    sign_in(client, people["staff"])
    roles = {item["role"].name: item for item in client.get(reverse("my_training")).context["roles"]}
    assert roles["Chattjour"]["reasons"] == ["Barnkompetens saknas"]


def test_no_reminder_outside_its_groups(org_a, catalogue, coordinator_a, staff_only, people):
    qualify(people["volunteer"], staff_only, "2025-12-10")  # expires 2026-12-10
    qualify(people["staff"], staff_only, "2025-12-10")
    assert send_reminders(ON) == 1
    recipients = [m.to for m in mail.outbox]
    assert ["stina@example.org"] in recipients and ["vera@example.org"] not in recipients


def test_the_report_counts_coverage_and_lapses_only_where_it_applies(org_a, catalogue, staff_only, people):
    qualify(people["qualified"], staff_only, "2026-01-10")
    qualify(people["volunteer"], staff_only, "2024-01-10")  # lapsed, but not hers to hold
    qualify(people["staff"], staff_only, "2024-01-10")  # lapsed: hers
    report = competence_report(org_a, D(2026, 1, 1), D(2026, 12, 31))
    by_type = {q["type"]: q for q in report["qualifications"]}
    assert by_type["Barnkompetens"] == {
        "type": "Barnkompetens",
        "applies_to": ["staff"],
        "valid": {"volunteer": 0, "staff": 1, "board": 0},
        "lapsed": 1,
    }
    assert by_type["Grundutbildning"]["applies_to"] == []
    # Of those who work shifts, Vera (a volunteer) and Signe (staff, holding it) are cleared for
    # Chattjour; Stina and Bodil (staff, and a volunteer too) lack it.
    (chat,) = [row for row in report["clearance"] if row["role"] == "Chattjour"]
    assert chat["cleared"] == 2
    # The coverage chart draws no volunteer or board bar for Barnkompetens.
    figure = coverage_figure(report)
    (axes,) = figure.axes
    positions = {round(bar.get_x() + bar.get_width() / 2, 3) for bar in axes.patches}
    types = [q["type"] for q in report["qualifications"]]
    child, width = types.index("Barnkompetens"), 0.8 / 3
    assert round(child + 0 * width, 3) not in positions  # volunteers
    assert round(child + 1 * width, 3) in positions  # staff
    assert round(child + 2 * width, 3) not in positions  # board


def test_the_admin_edits_it(client, coordinator_a, org_a):
    sign_in(client, coordinator_a)
    form = client.get(reverse("certifications_type:add")).content.decode()
    assert "Gäller" in form and "Volontär" in form and "Anställd" in form and "Styrelse" in form
    assert "Inga ikryssade: alla grupper." in form
    response = client.post(
        reverse("certifications_type:add"), {"name": "Barnkompetens", "applies_to": ["board", "staff"]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    child = QualificationType.objects.get(name="Barnkompetens")
    assert child.organisation == org_a and child.applies_to == ["staff", "board"]
    listing = client.get(reverse("certifications_type:index")).content.decode()
    assert "Anställd, Styrelse" in listing
    edit = reverse("certifications_type:edit", args=[child.pk])
    client.post(edit, {"name": "Barnkompetens", "applies_to": ["volunteer", "staff", "board"]})
    child.refresh_from_db()
    assert child.applies_to == []  # every group: everyone
    assert "Alla grupper" in client.get(reverse("certifications_type:index")).content.decode()
    assert client.post(edit, {"name": "Barnkompetens", "applies_to": ["chef"]}).status_code == 200
    child.refresh_from_db()
    assert child.applies_to == []


CATALOGUE = """\
qualification_types:
  - {name: Grundutbildning}
  - {name: Barnkompetens, valid_months: 24, applies_to: [staff]}
shift_roles:
  - {name: Boendejour, requires: [Grundutbildning, Barnkompetens]}
"""


def import_catalogue(tmp_path, text):
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    try:
        call_command(
            "import_catalogue", str(path), "--organisation", "jour-a", stdout=io.StringIO(), stderr=err
        )
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, err.getvalue()


def test_the_catalogue_says_it(tmp_path, org_a):
    assert import_catalogue(tmp_path, CATALOGUE) == (0, "")
    assert QualificationType.objects.get(name="Barnkompetens").applies_to == ["staff"]
    assert QualificationType.objects.get(name="Grundutbildning").applies_to == []
    # Left out on a new import, it stays as it was.
    assert import_catalogue(tmp_path, CATALOGUE.replace(", applies_to: [staff]", ""))[0] == 0
    assert QualificationType.objects.get(name="Barnkompetens").applies_to == ["staff"]
    assert import_catalogue(tmp_path, CATALOGUE.replace("[staff]", "[]"))[0] == 0
    assert QualificationType.objects.get(name="Barnkompetens").applies_to == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[chef]", "line 3: applies_to: unknown group 'chef'; use volunteer, staff or board"),
        ("staff", "line 3: applies_to: must be a list of groups: volunteer, staff or board"),
        ("[1]", "line 3: applies_to: must be a list of groups: volunteer, staff or board"),
    ],
)
def test_a_bad_catalogue_group_changes_nothing(tmp_path, org_a, value, expected):
    code, err = import_catalogue(tmp_path, CATALOGUE.replace("[staff]", value))
    assert code == 1 and err.startswith(expected), err
    assert not QualificationType.objects.exists()
