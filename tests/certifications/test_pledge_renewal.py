"""The confidentiality pledge is given and renewed as a routine: it never "expires". Every place
that describes a lapsed or soon-to-be-renewed pledge says so in renewal words, and other types
keep theirs (certifications/clearance.py, describe.py, reminders.py; certifications/standing.py)."""

import csv
import datetime
import io
import json
import re
import zoneinfo

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from certifications.clearance import RENEWAL_DUE, clearance
from certifications.describe import describe
from certifications.models import QualificationType, ShiftRoleRequirement
from certifications.reminders import send_reminders
from tests.auth import sign_in
from tests.certifications.conftest import qualify, train
from tests.factories import PersonFactory

D = datetime.date
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

LAPSED = "Tystnadslöftet behöver förnyas (senast förnyat 2025-11-02)"
RENEW_SOON = "Tystnadslöftet: förnya senast 2026-12-10"
#: What a pledge is never said to do (Swedish and English).
EXPIRY_WORDS = re.compile(r"gick ut|går ut|gått ut|utgång|expire", re.IGNORECASE)


@pytest.fixture
def pledge_people(org_a, catalogue, coordinator_a):
    """On the suite's day (2026-11-25): Linnea's pledge lapsed on 2026-11-02 (given 2025-11-02,
    an older one before it), Rut's is to be renewed by 2026-12-10. Both have everything else
    Telefonjour asks for."""
    pledge = catalogue["pledge"]
    pledge.is_pledge = True
    pledge.save()
    lapsed = PersonFactory(email="linnea@example.org", first_name="Linnea", organisation=org_a)
    renewing = PersonFactory(email="rut@example.org", first_name="Rut", organisation=org_a)
    for person in (lapsed, renewing):
        qualify(person, catalogue["basic"], "2024-01-01")
    train(org_a, [lapsed, renewing], "2026-06-01", "6")
    qualify(lapsed, pledge, "2024-10-01")  # lapsed 2025-10-01, then renewed a month late
    qualify(lapsed, pledge, "2025-11-02")  # lapsed 2026-11-02
    qualify(renewing, pledge, "2025-12-10")  # to be renewed by 2026-12-10
    return lapsed, renewing


def only_pledge_words(text: str) -> None:
    assert not EXPIRY_WORDS.search(text), text


def test_the_engine_says_due_for_renewal_dated_the_day_it_was_last_given(org_a, catalogue, pledge_people):
    lapsed, renewing = pledge_people
    on = D(2026, 11, 25)
    phone = catalogue["phone"]
    (found,) = clearance(org_a, on, roles=[phone], people=[lapsed])
    assert found.reason_codes == ["renewal_due:Tystnadslöfte"]
    (reason,) = found.reasons
    assert (reason.code, reason.on) == (RENEWAL_DUE, D(2025, 11, 2))
    with translation.override("sv"):
        assert describe(reason) == LAPSED
    with translation.override("en"):
        assert describe(reason) == "The confidentiality pledge is due for renewal (last renewed 2025-11-02)"
    (found,) = clearance(org_a, on, roles=[phone], people=[renewing])
    assert found.cleared and found.warning_codes == ["renew_by:Tystnadslöfte:2026-12-10"]
    with translation.override("sv"):
        assert describe(found.warnings[0]) == RENEW_SOON
    # The day it is to be renewed by, it is still valid; the day after, it is due.
    assert clearance(org_a, D(2026, 12, 10), roles=[phone], people=[renewing])[0].cleared
    (after,) = clearance(org_a, D(2026, 12, 11), roles=[phone], people=[renewing])[0].reasons
    assert (after.code, after.on) == (RENEWAL_DUE, D(2025, 12, 10))


def test_a_revoked_pledge_is_revoked_and_other_types_still_expire(org_a, catalogue, pledge_people):
    lapsed, _renewing = pledge_people
    first_aid = QualificationType.objects.create(organisation=org_a, name="Första hjälpen", valid_months=12)
    ShiftRoleRequirement.objects.create(role=catalogue["chat"], qualification_type=first_aid, sort_order=1)
    qualify(lapsed, first_aid, "2025-10-01")  # expired 2026-10-01
    revoked = PersonFactory(organisation=org_a)
    qualify(revoked, catalogue["basic"], "2024-01-01")
    train(org_a, [revoked], "2026-06-01", "6")
    qualify(revoked, catalogue["pledge"], "2026-01-01", revoked="2026-03-01")
    on = D(2026, 11, 25)
    (chat,) = clearance(org_a, on, roles=[catalogue["chat"]], people=[lapsed])
    assert chat.reason_codes == ["expired:Första hjälpen"]
    with translation.override("sv"):
        assert describe(chat.reasons[0]) == "Första hjälpen gick ut 2026-10-01"
    (phone,) = clearance(org_a, on, roles=[catalogue["phone"]], people=[revoked])
    assert phone.reason_codes == ["revoked:Tystnadslöfte"]


def board_cells(html: str) -> str:
    """The clearance board's table, without the rest of the admin page."""
    start = html.index('class="listing clearance-board"')
    return html[start : html.index("</table>", start)]


def test_the_board_its_files_and_the_start_page_say_renew(client, coordinator_a, catalogue, pledge_people):
    sign_in(client, coordinator_a)
    url = reverse("certifications_board")
    html = client.get(url, {"role": catalogue["phone"].pk}).content.decode()
    table = board_cells(html)
    assert LAPSED in table and RENEW_SOON in table
    only_pledge_words(table)
    rows = list(
        csv.reader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig")), delimiter=";")
    )
    texts = {cell for row in rows[1:] for cell in row[4:]}
    assert LAPSED in texts and RENEW_SOON in texts
    only_pledge_words(" ".join(texts))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row[4:] if c)
    assert LAPSED in cells
    only_pledge_words(cells)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    panel = home[home.index('id="expiring-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "Rut" in panel and RENEW_SOON in panel
    only_pledge_words(panel)


def my_training_section(html: str) -> str:
    start = html.index('id="qualifications-heading"')
    return html[start : html.index("</section>", start)]


def test_my_training_says_renew(client, catalogue, pledge_people):
    lapsed, renewing = pledge_people
    sign_in(client, lapsed)
    response = client.get(reverse("my_training"))
    roles = {item["role"].name: item for item in response.context["roles"]}
    assert roles["Telefonjour"]["reasons"] == [LAPSED]
    section = my_training_section(response.content.decode())
    # Once in "My qualifications" (on the latest pledge only), once under Telefonjour.
    assert section.count(LAPSED) == 2
    assert "avgivet 2025-11-02" in section and "avgivet 2024-10-01" in section
    only_pledge_words(section)

    sign_in(client, renewing)
    section = my_training_section(client.get(reverse("my_training")).content.decode())
    assert "avgivet 2025-12-10, förnya senast 2026-12-10" in section
    assert RENEW_SOON in section  # the warning under Telefonjour
    assert "behöver förnyas" not in section
    only_pledge_words(section)


def test_the_reminders_say_renew(org_a, catalogue, coordinator_a, pledge_people):
    _lapsed, _renewing = pledge_people
    assert send_reminders(D(2026, 11, 25)) == 1  # Rut: 15 days left, the 30-day step
    to_her, to_coordinators = mail.outbox
    assert to_her.to == ["rut@example.org"]
    assert to_her.subject == RENEW_SOON
    assert "Ditt tystnadslöfte förnyades senast 2025-12-10 och ska förnyas senast 2026-12-10" in to_her.body
    assert to_coordinators.subject == "1 kvalifikation att förnya snart"
    assert "Dessa tystnadslöften ska snart förnyas:" in to_coordinators.body
    assert ": Tystnadslöfte, förnya senast 2026-12-10" in to_coordinators.body
    for message in mail.outbox:
        only_pledge_words(message.subject + message.body)


def test_reminders_for_other_types_keep_their_words(org_a, catalogue, coordinator_a, pledge_people):
    first_aid = QualificationType.objects.create(organisation=org_a, name="Första hjälpen", valid_months=12)
    ShiftRoleRequirement.objects.create(role=catalogue["chat"], qualification_type=first_aid, sort_order=1)
    qualify(PersonFactory(email="f@example.org", organisation=org_a), first_aid, "2025-12-01")
    assert send_reminders(D(2026, 11, 25)) == 2
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["f@example.org"] == "Första hjälpen går ut 2026-12-01"
    assert subjects["rut@example.org"] == RENEW_SOON
    (digest,) = [m for m in mail.outbox if m.to == ["coord-a@example.org"]]
    assert "Dessa obligatoriska kvalifikationer går snart ut:" in digest.body
    assert "Första hjälpen 2026-12-01" in digest.body
    assert "Dessa tystnadslöften ska snart förnyas:" in digest.body
    assert "Tystnadslöfte, förnya senast 2026-12-10" in digest.body


def test_the_clearance_command_gives_the_renewal_code(org_a, pledge_people):
    out = io.StringIO()
    call_command("clearance", "--organisation", org_a.slug, "--on", "2026-11-25", stdout=out)
    reasons = {(r["email"], r["role"]): r["reasons"] for r in json.loads(out.getvalue())["results"]}
    assert reasons["linnea@example.org", "Telefonjour"] == ["renewal_due:Tystnadslöfte"]


def test_the_qualification_list_says_renew_for_the_pledge(client, coordinator_a, pledge_people):
    sign_in(client, coordinator_a)
    html = client.get(reverse("certifications_qualification:index")).content.decode()
    assert "Går ut / förnyas senast" in html
    html = client.get(reverse("certifications_qualification:index"), {"status": "expired"}).content.decode()
    assert "Utgången / behöver förnyas" in html


WARNING = "Tystnadslöftet: förnya senast 2027-01-01"
DUE = "Tystnadslöftet behöver förnyas (senast förnyat 2026-01-01)"


@pytest.mark.parametrize(
    ("moment", "shown", "not_shown"),
    [
        # New Year's Eve, late: the day before the day it is to be renewed by: the warning.
        (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM), WARNING, [DUE]),
        # 00:30 on New Year's Day is still New Year's Eve in UTC: the day itself, valid, no
        # warning any more (the day is not before it), not yet due.
        (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=STOCKHOLM), "förnya senast 2027-01-01", [WARNING, DUE]),
        # 00:30 on 2 January in Stockholm is still 1 January in UTC: due already.
        (datetime.datetime(2027, 1, 2, 0, 30, tzinfo=STOCKHOLM), DUE, [WARNING]),
    ],
    ids=["new-years-eve-23.30", "new-years-day-00.30", "2-january-00.30"],
)
def test_around_midnight_the_local_date_decides(client, clock, org_a, catalogue, moment, shown, not_shown):
    catalogue["pledge"].is_pledge = True
    catalogue["pledge"].save()
    person = PersonFactory(organisation=org_a)
    qualify(person, catalogue["basic"], "2024-01-01")
    train(org_a, [person], "2026-06-01", "6")
    qualify(person, catalogue["pledge"], "2026-01-01")  # to be renewed by 2027-01-01
    clock.move_to(moment)
    sign_in(client, person)
    section = my_training_section(client.get(reverse("my_training")).content.decode())
    assert shown in section
    assert not [words for words in not_shown if words in section]
    only_pledge_words(section)


def test_the_person_page_says_renew(client, coordinator_a, pledge_people):
    """The coordinator's page of a person: the pledge's rows and the clearance in renewal words."""
    lapsed, renewing = pledge_people
    sign_in(client, coordinator_a)
    html = client.get(reverse("certifications_person", args=[lapsed.pk])).content.decode()
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if "Tystnadslöfte" in row or "Telefonjour" in row
    ]
    assert [row for row in rows if row.startswith("Telefonjour")] == [f"Telefonjour Inte behörig {LAPSED}"]
    assert f"Tystnadslöfte 2025-11-02 2026-11-02 {LAPSED}" in rows
    assert "Tystnadslöfte 2024-10-01 2025-10-01 inte giltig i dag" in rows
    for row in rows:
        only_pledge_words(row)
    html = client.get(reverse("certifications_person", args=[renewing.pk])).content.decode()
    assert RENEW_SOON in html and "behöver förnyas" not in html
