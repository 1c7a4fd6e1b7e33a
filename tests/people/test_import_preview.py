"""The admin's people import between upload and confirmation: the file waits on the server
(the page carries a token), the preview shows counts and the first rows, the problems list stays
readable, and a confirmation imports the kept file once, all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from people import importing
from people.conf import app_settings
from people.models import Organisation, PendingImport, User
from tests.auth import sign_in
from tests.factories import PersonFactory

HEADER = "email,first_name,last_name,groups,joined_on,left_on,protected_identity\n"
URL = "people_import"
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def people_csv(count: int, start: int = 0) -> str:
    return HEADER + "".join(
        f"p{n:05d}@example.org,Förnamn{n},Efternamn{n},volunteer,2025-01-15,,no\n"
        for n in range(start, start + count)
    )


def upload(client, content: str | bytes, name: str = "people.csv", **data):
    body = content.encode() if isinstance(content, str) else content
    return client.post(
        reverse(URL), {"file": SimpleUploadedFile(name, body, content_type="text/csv"), **data}
    )


def confirm(client, token: str, **extra):
    """As the browser sends the confirmation form: urlencoded, no file."""
    return client.post(
        reverse(URL), urlencode({"pending": token, **extra}), content_type="application/x-www-form-urlencoded"
    )


def token_of(preview) -> str:
    return preview.context["confirm_form"]["pending"].value()


def snapshot():
    """The register and the organisations (but for the login stamps signing in leaves)."""
    fields = [f.attname for f in User._meta.concrete_fields if f.name != "last_login"]
    return sorted(User.objects.values_list(*fields)), sorted(Organisation.objects.values_list())


@pytest.mark.django_db
def test_the_preview_keeps_the_file_on_the_server_and_the_page_carries_only_a_token(
    client, org_a, coordinator_a
):
    sign_in(client, coordinator_a)
    content = people_csv(30)
    preview = upload(client, content, name="höstens-volontärer.csv")
    assert preview.status_code == 200
    pending = PendingImport.objects.get()
    assert (pending.organisation, pending.uploaded_by) == (org_a, coordinator_a)
    assert bytes(pending.data) == content.encode()
    assert pending.sha256 == hashlib.sha256(content.encode()).hexdigest()
    assert pending.file_name == "höstens-volontärer.csv"
    assert token_of(preview) == pending.token and len(pending.token) >= 40

    html = preview.content.decode()
    form = html.partition('<form method="post" action="/admin/people/import/" class="w-mt-4">')[2]
    form = form.partition("</form>")[0]
    inputs = re.findall(r"<input [^>]*>", form)
    assert sorted(re.search(r'name="([^"]+)"', tag).group(1) for tag in inputs) == [
        "csrfmiddlewaretoken",
        "pending",
    ]
    assert "p00019@example.org" in html and "p00020@example.org" not in html  # the first 20 rows only
    assert not User.objects.filter(email__startswith="p0").exists(), "the preview must not save"


@pytest.mark.django_db
def test_the_preview_shows_the_counts_and_the_first_rows(client, org_a, coordinator_a):
    PersonFactory(
        email="p00000@example.org",
        first_name="Förnamn0",
        last_name="Efternamn0",
        joined_on=datetime.date(2025, 1, 15),
        organisation=org_a,
    )  # the file's row, as it stands: unchanged
    PersonFactory(email="p00001@example.org", first_name="Gammalt", last_name="Namn", organisation=org_a)
    sign_in(client, coordinator_a)
    preview = upload(client, people_csv(25))
    counts = preview.context["counts"]
    assert (counts.rows, counts.new, counts.updated, counts.unchanged) == (25, 23, 1, 1)
    html = preview.content.decode()
    for name, value in (("rows", 25), ("new", 23), ("updated", 1), ("unchanged", 1)):
        assert f'data-count="{name}">{value}<' in html
    assert "De första 20 av 25 raderna" in html
    assert html.count('class="import-row"') == 20
    changes = [change for _row, change in preview.context["preview"]]
    assert changes[:3] == ["unchanged", "updated", "new"]
    assert "oförändrad" in html and "uppdateras" in html


@pytest.mark.django_db
def test_confirming_imports_the_kept_file_once_and_deletes_it(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    preview = upload(client, people_csv(30))
    token = token_of(preview)
    response = confirm(client, token)
    assert response.status_code == 302
    assert User.objects.filter(organisation=org_a, email__startswith="p0").count() == 30
    assert not PendingImport.objects.exists()
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == ["Importerat till Kvinnojouren A: 30 nya, 0 uppdaterade, 0 oförändrade."]

    before = snapshot()
    again = confirm(client, token)
    assert again.status_code == 404
    assert "väntar inte på bekräftelse" in again.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_cancelling_deletes_the_kept_file_and_imports_nothing(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    token = token_of(upload(client, people_csv(3)))
    before = snapshot()
    response = confirm(client, token, cancel="1")
    assert response.status_code == 302
    assert not PendingImport.objects.exists()
    assert snapshot() == before
    assert confirm(client, token).status_code == 404


@pytest.mark.django_db
def test_a_new_upload_replaces_the_persons_earlier_pending_import(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    first = token_of(upload(client, people_csv(3)))
    second = token_of(upload(client, people_csv(2, start=10)))
    assert list(PendingImport.objects.values_list("token", flat=True)) == [second]
    assert confirm(client, first).status_code == 404
    assert confirm(client, second).status_code == 302
    assert set(User.objects.filter(email__startswith="p0").values_list("email", flat=True)) == {
        "p00010@example.org",
        "p00011@example.org",
    }


@pytest.mark.django_db
def test_a_pending_import_expires_and_is_cleaned_up(client, org_a, coordinator_a, superuser):
    hours = app_settings.PEOPLE_IMPORT_PENDING_HOURS
    assert hours == 24
    # Signed in within each moment: a session ends after an hour without a request.
    with time_machine.travel(T0, tick=False):
        sign_in(client, coordinator_a)
        token = token_of(upload(client, people_csv(3)))
    before = snapshot()
    with time_machine.travel(T0 + datetime.timedelta(hours=hours, seconds=1), tick=False):
        sign_in(client, coordinator_a)
        response = confirm(client, token)
        assert response.status_code == 404
        assert "äldre än 24 timmar" in response.content.decode()
        assert snapshot() == before
        # The next upload, anyone's, deletes every expired pending import.
        sign_in(client, superuser)
        upload(client, people_csv(1, start=50), organisation=org_a.pk)
    assert list(PendingImport.objects.values_list("uploaded_by", flat=True)) == [superuser.pk]


@pytest.mark.django_db
def test_a_pending_import_can_be_confirmed_until_it_expires(client, org_a, coordinator_a):
    with time_machine.travel(T0, tick=False):
        sign_in(client, coordinator_a)
        token = token_of(upload(client, people_csv(3)))
    with time_machine.travel(T0 + datetime.timedelta(hours=23, minutes=59), tick=False):
        sign_in(client, coordinator_a)
        assert confirm(client, token).status_code == 302
    assert User.objects.filter(email__startswith="p0").count() == 3


@pytest.mark.django_db
def test_the_register_changed_since_the_preview_the_confirmation_shows_the_problem(
    client, org_a, org_b, coordinator_a
):
    sign_in(client, coordinator_a)
    token = token_of(upload(client, people_csv(5)))
    PersonFactory(email="p00003@example.org", organisation=org_b)  # registered elsewhere meanwhile
    before = snapshot()
    response = confirm(client, token)
    assert response.status_code == 200
    assert [(p.line, p.column) for p in response.context["problems"]] == [(5, "email")]
    assert snapshot() == before
    assert not PendingImport.objects.exists()  # used up: the file must be corrected anyway


@pytest.mark.django_db
def test_a_conflict_while_writing_imports_nothing_and_says_so(
    client, org_a, org_b, coordinator_a, monkeypatch
):
    """Another request registers one of the file's emails after the confirmation's check and
    before its writes: the database refuses the row, nothing is imported, no server error."""
    real_parse = importing.parse_people_csv

    def parse_then_someone_registers(text, organisation):
        parsed = real_parse(text, organisation)
        PersonFactory(email="p00002@example.org", organisation=org_b)
        return parsed

    sign_in(client, coordinator_a)
    token = token_of(upload(client, people_csv(4)))
    monkeypatch.setattr(importing, "parse_people_csv", parse_then_someone_registers)
    response = confirm(client, token)
    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Registret ändrades medan filen importerades; inget importerades. Försök igen."
    ]
    assert not User.objects.filter(organisation=org_a, email__startswith="p0").exists()
    assert PendingImport.objects.filter(token=token).exists()  # it may be confirmed again


@pytest.mark.django_db
def test_a_file_full_of_problems_lists_the_first_200_and_counts_them_all(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    bad = people_csv(250).replace("2025-01-15", "2025-13-01")
    response = upload(client, bad)
    assert len(response.context["problems"]) == 250
    html = response.content.decode()
    assert "Filen har 250 problem. Inget importerades." in html
    assert html.count('class="import-problem"') == 200
    assert "De första 200 problemen visas; 50 problem till visas inte." in html
    # The first 200 problems are lines 2 to 201 of the file.
    assert "<td>2</td>" in html and "<td>201</td>" in html and "<td>202</td>" not in html
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_a_file_at_the_size_limit_previews_and_imports_in_small_requests(client, org_a, coordinator_a):
    """A 2 MB file: the preview page stays small and the confirmation (urlencoded, as the
    browser sends it) carries a token, never the file (it used to fail: RequestDataTooBig)."""
    limit = app_settings.PEOPLE_IMPORT_MAX_BYTES
    long = "x" * 150
    row = "p{n:05d}@example.org,{long},{long},volunteer;staff,2025-01-15,,no\n"
    rows = (limit - len(HEADER)) // len(row.format(n=0, long=long))
    content = HEADER + "".join(row.format(n=n, long=long) for n in range(rows))
    assert limit - 400 < len(content.encode()) <= limit
    sign_in(client, coordinator_a)
    preview = upload(client, content)
    assert preview.status_code == 200, preview.context.get("problems")
    assert preview.context["counts"].rows == rows
    assert len(preview.content) < 100_000  # the file is 2 MB
    token = token_of(preview)
    body = urlencode({"pending": token})
    assert len(body) < 100
    response = confirm(client, token)
    assert response.status_code == 302
    assert User.objects.filter(organisation=org_a, email__startswith="p0").count() == rows


@pytest.mark.django_db
def test_imported_people_get_distinct_unusable_passwords(org_a, coordinator_a):
    parsed = importing.parse_people_csv(people_csv(5), org_a)
    importing.apply_people_import(parsed, org_a, by=coordinator_a)
    people = list(User.objects.filter(email__startswith="p0"))
    assert len(people) == 5 and not any(person.has_usable_password() for person in people)
    assert len({person.password for person in people}) == 5


@pytest.mark.django_db
def test_a_re_import_of_the_same_file_writes_nothing(org_a, org_b, coordinator_a):
    other_version = Organisation.objects.get(pk=org_b.pk).data_version  # its questions bumped it
    content = people_csv(20)
    importing.apply_people_import(importing.parse_people_csv(content, org_a), org_a, by=coordinator_a)
    org_a.refresh_from_db()
    version, history = org_a.data_version, User.history.count()
    parsed = importing.parse_people_csv(content, org_a)
    assert parsed.counts == importing.ImportCounts(rows=20, new=0, updated=0, unchanged=20)
    summary = importing.apply_people_import(parsed, org_a, by=coordinator_a)
    assert summary == importing.ImportSummary(created=0, updated=0, unchanged=20)
    org_a.refresh_from_db()
    assert (org_a.data_version, User.history.count()) == (version, history)

    # One changed row: one update, one history row, the organisation's version bumped once.
    changed = content.replace("Förnamn7,", "Sju,")
    summary = importing.apply_people_import(importing.parse_people_csv(changed, org_a), org_a)
    assert summary == importing.ImportSummary(created=0, updated=1, unchanged=19)
    assert User.objects.get(email="p00007@example.org").first_name == "Sju"
    org_a.refresh_from_db()
    assert (org_a.data_version, User.history.count()) == (version + 1, history + 1)
    assert Organisation.objects.get(pk=org_b.pk).data_version == other_version


@pytest.mark.django_db
def test_the_daily_command_deletes_the_expired_pending_imports(org_a, coordinator_a, superuser):
    with time_machine.travel(T0, tick=False):
        old = importing.keep_pending_import(people_csv(2).encode(), "a.csv", org_a, by=coordinator_a)
    with time_machine.travel(T0 + datetime.timedelta(hours=23), tick=False):
        fresh = importing.keep_pending_import(people_csv(2).encode(), "b.csv", org_a, by=superuser)
    with time_machine.travel(T0 + datetime.timedelta(hours=24, seconds=1), tick=False):
        out = io.StringIO()
        call_command("clear_pending_imports", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 pending import(s) older than 24 hours."
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert old.pk != fresh.pk
