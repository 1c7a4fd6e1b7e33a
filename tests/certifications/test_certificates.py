"""Certificates (intyg): who may download one, what the PDF says (read back with pdftotext and
looked at as PNG), the public check of a code (genuine, revoked, unknown, protected identity) and
the coordinator's revocation."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certifications.certificates import (
    ALPHABET,
    CODE_LENGTH,
    certificate_details,
    issue_certificate,
    new_code,
    normalised_code,
    revoke_certificate,
    verify,
)
from certifications.models import Certificate
from courses.attendance import enrol, record_makeup, set_marks
from courses.completion import mark_lesson_done
from courses.models import Completion, LessonPage
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run
from tests.security.test_headers import assert_security_headers

FIRST = datetime.date(2026, 3, 5)  # a Thursday; the run's eight weekly sessions end 23 April
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "certificates"


@pytest.fixture
def course(org_a):
    return make_course(org_a, title="Studiecirkel för jourkvinnor", units=8, max_missed_units=1)


@pytest.fixture
def run(course):
    return make_run(course, FIRST, title="Studiecirkel VT 2026")


@pytest.fixture
def anna(org_a):
    return PersonFactory(first_name="Anna", last_name="Åkesson", organisation=org_a, email="anna@example.org")


def attend(run, person, by, marks):
    for session, mark in zip(run.sessions.order_by("starts_at"), marks, strict=True):
        if mark:
            set_marks(session, {person.pk: mark}, by)


@pytest.fixture
def completed(run, anna, coordinator_a):
    """Anna attended units 1–7 (unit 8 missed; one may be): completed on 16 April."""
    enrol(run, [anna])
    attend(run, anna, coordinator_a, ["present"] * 7 + ["absent"])
    return Completion.objects.get(person=anna)


def download(client, completion):
    return client.get(reverse("certifications_certificate_pdf", args=[completion.pk]))


def pdf_text(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    """The PDF's text as ``pdftotext -layout`` reads it, and its number of pages."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("poppler-utils are required in CI")
        pytest.skip("poppler-utils are not installed")
    path = tmp_path / "intyg.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    pages = text.decode().split("\f")[:-1]
    return "\n".join(pages), len(pages)


def render_png(pdf: bytes, name: str) -> Path:
    """The page as PNG in test-artifacts/certificates/, to be looked at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-singlefile",
            str(ARTEFACTS / f"{name}.pdf"),
            str(ARTEFACTS / name),
        ],
        check=True,
    )
    return ARTEFACTS / f"{name}.png"


# The code -------------------------------------------------------------------------------------------


def test_codes_are_long_random_and_without_look_alikes():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("0O1IL") & set(ALPHABET)


def test_a_typed_code_is_read_as_printed():
    assert normalised_code(" k7qf-2mxr 9htd ") == "K7QF2MXR9HTD"
    assert normalised_code("") == ""


# Issuing and downloading ------------------------------------------------------------------------------


def test_the_holder_downloads_her_certificate_issued_on_the_first_download(
    client, completed, anna, audit_log
):
    sign_in(client, anna)
    response = download(client, completed)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="intyg-studiecirkel')
    assert "no-store" in response["Cache-Control"]
    certificate = Certificate.objects.get(completion=completed)
    assert certificate.person == anna and certificate.issued_by == anna
    exports = [r.getMessage() for r in audit_log.records if "event=export " in r.getMessage()]
    assert len(exports) == 1 and "kind=certificate format=pdf" in exports[0]
    # The second download is the same certificate, the same code.
    assert download(client, completed).status_code == 200
    assert Certificate.objects.filter(completion=completed).count() == 1


def test_what_the_certificate_states(completed, run, anna, coordinator_a):
    details = certificate_details(completed)
    assert details["course"] == "Studiecirkel för jourkvinnor"
    assert [u["number"] for u in details["units"]] == [1, 2, 3, 4, 5, 6, 7]  # unit 8 missed
    assert details["total_hours"] == "17.50"
    assert (details["first_day"], details["last_day"]) == ("2026-03-05", "2026-04-16")
    assert details["organisation"] == "Kvinnojouren A"


def test_a_made_up_unit_counts_and_its_day_is_the_last(clock, completed, run, anna, coordinator_a, course):
    """She made up unit 8 in another run after her own ended: it is listed, and the certificate's
    last day is the make-up's."""
    other = make_run(course, datetime.date(2026, 9, 3), title="Studiecirkel HT 2026")
    session = other.sessions.get(unit_number=8)
    record_makeup(completed.enrolment, 8, by=coordinator_a, session=session)
    set_marks(session, {anna.pk: "present"}, coordinator_a)
    details = certificate_details(Completion.objects.get(pk=completed.pk))
    assert [u["number"] for u in details["units"]][-1] == 8
    assert details["last_day"] == "2026-10-22" and details["total_hours"] == "20.00"


def test_the_pdf_is_one_swedish_page_with_everything_on_it(client, completed, anna, tmp_path):
    sign_in(client, anna)
    pdf = download(client, completed).content
    text, pages = pdf_text(pdf, tmp_path)
    assert pages == 1
    certificate = Certificate.objects.get(completion=completed)
    flat = " ".join(text.split())
    for expected in (
        "Kvinnojouren A",
        "Intyg",
        "Anna Åkesson",
        "Studiecirkel för jourkvinnor",
        "Grundutbildning",
        "5 mars 2026 – 16 april 2026",
        "7. Avsnitt 7",
        "Totalt 17,5",
        "Underskrift",
        "Namnförtydligande",
        certificate.display_code,
        f"/intyg/{certificate.code}/",
    ):
        assert expected in flat, expected
    assert "Avsnitt 8" not in flat
    assert render_png(pdf, "studiecirkel").exists()


def test_a_course_with_many_units_still_fits_one_page(client, org_a, anna, coordinator_a, tmp_path):
    course = make_course(org_a, title="Lång fortbildning", units=24, kind="continuing")
    run = make_run(course, datetime.date(2026, 1, 8), title="Lång")
    enrol(run, [anna])
    attend(run, anna, coordinator_a, ["present"] * 24)
    sign_in(client, anna)
    pdf = download(client, Completion.objects.get(person=anna)).content
    text, pages = pdf_text(pdf, tmp_path)
    assert pages == 1 and "24. Avsnitt 24" in text and "Fortbildning" in text
    render_png(pdf, "24-avsnitt")


def test_a_self_paced_course_states_its_units_and_the_completion_day(client, org_a, anna, tmp_path):
    course = make_course(org_a, title="Hedersrelaterat våld", units=2, kind="continuing", self_paced=True)
    for number in (1, 2):
        course.add_child(
            instance=LessonPage(title=f"Lektion {number}", slug=f"l{number}", unit_number=number)
        )
    for lesson in LessonPage.objects.child_of(course).order_by("unit_number"):
        mark_lesson_done(anna, lesson)
    completion = Completion.objects.get(person=anna, course=course)
    sign_in(client, anna)
    text, pages = pdf_text(download(client, completion).content, tmp_path)
    flat = " ".join(text.split())
    assert pages == 1 and "Slutförd 25 november 2026" in flat and "Totalt 5" in flat


def test_a_course_not_yet_completed_has_no_certificate(client, run, anna, coordinator_a):
    enrol(run, [anna])
    attend(run, anna, coordinator_a, ["present"] * 3 + [None] * 5)
    assert not Completion.objects.filter(person=anna).exists()
    sign_in(client, anna)
    page = client.get(reverse("my_training")).content.decode()
    assert "certificate-link" not in page
    assert client.get(reverse("certifications_certificate_pdf", args=[999999])).status_code == 404
    assert not Certificate.objects.exists()


def test_a_flagged_completion_gives_no_certificate_until_it_is_checked(client, completed, anna):
    Completion.objects.filter(pk=completed.pk).update(flagged=True, flag_reason="Kontrollera")
    sign_in(client, anna)
    assert download(client, completed).status_code == 404
    assert "samordnaren har sett över" in client.get(reverse("my_training")).content.decode()
    assert not Certificate.objects.exists()


def test_another_volunteer_cannot_download_her_certificate(client, completed, org_a, org_b, anna):
    issue_certificate(completed, by=anna)
    for intruder in (
        PersonFactory(organisation=org_a, email="grannen@example.org"),
        PersonFactory(organisation=org_b, email="annan@example.org"),
    ):
        client.logout()
        sign_in(client, intruder)
        assert download(client, completed).status_code == 404
    client.logout()
    assert download(client, completed).status_code == 302  # to the login


def test_coordinators_download_for_their_own_organisation_only(
    client, completed, coordinator_a, coordinator_b, board_a
):
    for person, status in ((coordinator_b, 404), (board_a, 404), (coordinator_a, 200)):
        client.logout()
        sign_in(client, person)
        assert download(client, completed).status_code == status, person
    assert Certificate.objects.get().issued_by == coordinator_a


def test_a_protected_identitys_certificate_has_her_name_and_goes_to_her_alone(
    client, completed, anna, coordinator_a, tmp_path
):
    """She reads her own certificate and shows it to whom she chooses: her name is on it. Her
    coordinator cannot download it (it would be her name outside the register)."""
    anna.protected_identity = True
    anna.save()
    sign_in(client, coordinator_a)
    assert download(client, completed).status_code == 404
    client.logout()
    sign_in(client, anna)
    text, _pages = pdf_text(download(client, completed).content, tmp_path)
    assert "Anna Åkesson" in text


def test_my_training_offers_the_certificate(client, completed, anna):
    sign_in(client, anna)
    page = client.get(reverse("my_training")).content.decode()
    assert reverse("certifications_certificate_pdf", args=[completed.pk]) in page
    assert "Ladda ner intyget för Studiecirkel för jourkvinnor (PDF)" in page


# The public check ----------------------------------------------------------------------------------------


def check(client, code: str):
    return client.get(reverse("certifications_verify", args=[code]))


def test_a_genuine_certificate_is_valid_with_course_date_organisation_and_initials(client, completed, anna):
    certificate = issue_certificate(completed, by=anna)
    response = check(client, certificate.display_code.lower())
    page = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Giltigt",
        "Studiecirkel för jourkvinnor",
        "5 mars 2026 – 16 april 2026",
        "Kvinnojouren A",
        "A. Å.",
    ):
        assert expected in page, expected
    assert "Anna" not in page and "Åkesson" not in page and "anna@example.org" not in page
    # No ids and no way to her: not the certificate's admin page, not the download.
    assert reverse("certifications_certificate:edit", args=[certificate.pk]) not in page
    assert reverse("certifications_certificate_pdf", args=[completed.pk]) not in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert_security_headers(response, "verify")


def test_a_protected_identity_is_only_valid_without_initials(client, completed, anna):
    anna.protected_identity = True
    anna.save()
    certificate = issue_certificate(completed, by=anna)
    page = check(client, certificate.code).content.decode()
    assert "Giltigt" in page and "Studiecirkel för jourkvinnor" in page and "Kvinnojouren A" in page
    assert "A. Å." not in page and "initialer" not in page and "Anna" not in page
    assert verify(certificate.code).initials == ""


def test_a_revoked_certificate_says_so_and_when(client, clock, completed, anna, coordinator_a):
    certificate = issue_certificate(completed, by=anna)
    clock.move_to(datetime.datetime(2027, 3, 28, 1, 30, tzinfo=datetime.UTC))  # DST Sunday, 03:30 local
    assert revoke_certificate(certificate, coordinator_a, "Registrerad av misstag")
    response = check(client, certificate.code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Återkallat" in page and "28 mars 2027" in page and "Giltigt" not in page
    assert "Registrerad av misstag" not in page
    # Her download stops, and no new certificate takes its place.
    sign_in(client, anna)
    assert download(client, completed).status_code == 404
    assert "återkallades 2027-03-28" in client.get(reverse("my_training")).content.decode()
    assert Certificate.objects.count() == 1


def test_an_unknown_code_is_not_found_and_tells_nothing_else(client, completed, anna):
    certificate = issue_certificate(completed, by=anna)
    near = certificate.code[:-1] + ("2" if certificate.code[-1] != "2" else "3")
    for code in (near, "AAAA", "x" * 300, "<script>", "0O1IL"):
        response = check(client, code)
        page = response.content.decode()
        assert response.status_code == 404, code
        assert "Inget intyg med den koden" in page
        assert certificate.code not in page and "Kvinnojouren A" not in page and "<script>" not in page


def test_the_form_takes_a_typed_code_to_its_answer(client, completed, anna):
    certificate = issue_certificate(completed, by=anna)
    response = client.get(reverse("certifications_verify_form"), {"kod": certificate.display_code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse(
        "certifications_verify", args=[certificate.code]
    )
    page = client.get(reverse("certifications_verify_form"), {"kod": "ÅÄÖ!"}).content.decode()
    assert "Skriv koden så som den står på intyget" in page
    assert client.get(reverse("certifications_verify_form")).status_code == 200


@override_settings(CERTIFICATIONS_VERIFY_LIMIT=3)
def test_checks_are_rate_limited_per_address(client, completed, anna, audit_log):
    certificate = issue_certificate(completed, by=anna)
    answers = [check(client, certificate.code).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert "Kvinnojouren A" not in check(client, certificate.code).content.decode()
    assert any("event=certificate.verify_limited" in r.getMessage() for r in audit_log.records)
    other = client.get(reverse("certifications_verify", args=[certificate.code]), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


# Revoking in the admin ---------------------------------------------------------------------------------


def test_the_coordinator_revokes_with_a_reason_after_confirming(
    client, completed, anna, coordinator_a, audit_log
):
    certificate = issue_certificate(completed, by=anna)
    sign_in(client, coordinator_a)
    listing = client.get(reverse("certifications_certificate:index")).content.decode()
    assert certificate.display_code in listing and "Anna Åkesson" in listing
    url = reverse("certifications_certificate:edit", args=[certificate.pk])
    page = client.get(url).content.decode()
    assert "Ja, återkalla intyget" in page and "Det går inte att ångra" in page
    assert client.post(url, {"reason": "   "}).status_code == 200  # a reason is required
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    response = client.post(url, {"reason": "Deltog inte på träff 3"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == coordinator_a
    assert certificate.revoke_reason == "Deltog inte på träff 3"
    assert certificate.history.first().history_user == coordinator_a
    assert ModelLogEntry.objects.filter(
        action="certifications.revoke", object_id=str(certificate.pk)
    ).exists()
    assert any(
        f"event=certificate.revoked user={coordinator_a.pk}" in r.getMessage()
        and f"certificate={certificate.pk}" in r.getMessage()
        for r in audit_log.records
    )
    # Once revoked, it stays revoked with the first reason.
    client.post(url, {"reason": "Något annat"})
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Deltog inte på träff 3"


def test_another_organisations_coordinator_cannot_see_or_revoke_it(
    client, completed, anna, coordinator_b, board_a
):
    certificate = issue_certificate(completed, by=anna)
    sign_in(client, coordinator_b)
    url = reverse("certifications_certificate:edit", args=[certificate.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Sabotage"}).status_code == 404
    assert (
        certificate.display_code
        not in client.get(reverse("certifications_certificate:index")).content.decode()
    )
    client.logout()
    sign_in(client, board_a)  # the board has no certificates screen
    assert client.post(url, {"reason": "Sabotage"}).status_code in (302, 403)
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_nobody_adds_or_deletes_a_certificate_in_the_admin(client, completed, anna, superuser):
    certificate = issue_certificate(completed, by=anna)
    sign_in(client, superuser)
    assert client.get(reverse("certifications_certificate:add")).status_code in (302, 403)
    client.post(reverse("certifications_certificate:delete", args=[certificate.pk]))
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_hours_on_the_certificate_are_the_units_hours(org_a, anna, coordinator_a):
    course = make_course(org_a, title="Kort", units=2, kind="continuing")
    course.units.filter(number=2).update(hours=Decimal("1.25"))
    run = make_run(course, datetime.date(2026, 2, 5), title="Kort")
    enrol(run, [anna])
    attend(run, anna, coordinator_a, ["present", "late"])
    details = certificate_details(Completion.objects.get(person=anna))
    assert [u["hours"] for u in details["units"]] == ["2.50", "1.25"] and details["total_hours"] == "3.75"


def test_her_data_lists_her_certificates_and_erasure_removes_them(client, completed, anna):
    from home.erasure import erase_person, plan_erasure

    certificate = issue_certificate(completed, by=anna)
    sign_in(client, anna)
    data = client.get(reverse("my_data")).json()
    assert [(c["kurs"], c["kod"]) for c in data["intyg"]] == [
        ("Studiecirkel för jourkvinnor", certificate.code)
    ]
    client.logout()
    assert plan_erasure(anna).counts["certificates"] == 1
    erase_person(anna)
    assert not Certificate.objects.exists() and not Certificate.history.exists()
    assert check(client, certificate.code).status_code == 404


def test_issued_on_new_years_eve_late_in_the_evening_is_the_31st(client, clock, completed, anna, tmp_path):
    """The day printed and checked is Stockholm's: 23:30 on New Year's Eve is the 31st (22:30
    UTC), and 02:30 the second time on the autumn DST Sunday is that Sunday."""
    clock.move_to(datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.UTC))  # 23:30 local
    sign_in(client, anna)
    text, pages = pdf_text(download(client, completed).content, tmp_path)
    assert pages == 1 and "den 31 december 2026" in " ".join(text.split())
    clock.move_to(datetime.datetime(2027, 10, 31, 1, 30, tzinfo=datetime.UTC))  # 02:30, the second time
    certificate = Certificate.objects.get()
    revoke_certificate(certificate, anna, "Prov")
    assert verify(certificate.code).revoked_on == datetime.date(2027, 10, 31)
