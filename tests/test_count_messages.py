"""Issue 18: a count is said in the singular and the plural as Swedish says it ("1 markering
ändrades", "3 markeringar ändrades"): every message with a count goes through ngettext (or
``{% blocktrans count %}``), and no gettext message of the project's code carries a count."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from courses.attendance import enrol
from tests.auth import sign_in
from tests.factories import PersonFactory, make_course, make_run
from tests.people.test_import_preview import confirm, people_csv, token_of, upload

ROOT = Path(__file__).resolve().parents[1]
APPS = ["certifications", "courses", "home", "jour_core", "people", "quality", "lms"]


def saved_message(client, session, people, mark) -> str:
    response = client.post(
        reverse("courses_session_register", args=[session.pk]), {f"mark-{p.pk}": mark for p in people}
    )
    assert response.status_code == 302
    return [str(m) for m in response.wsgi_request._messages][-1]


def test_the_register_says_one_mark_and_three_marks(client, org_a, coordinator_a):
    run = make_run(make_course(org_a), datetime.date(2026, 3, 5))
    people = PersonFactory.create_batch(3, organisation=org_a)
    enrol(run, people)
    session = run.sessions.order_by("starts_at").first()
    sign_in(client, coordinator_a)
    assert saved_message(client, session, people[:1], "present") == "Närvaron sparad: 1 markering ändrades."
    assert saved_message(client, session, people, "late") == "Närvaron sparad: 3 markeringar ändrades."


def test_the_import_says_one_new_and_two_new(client, org_a, coordinator_a):
    sign_in(client, coordinator_a)
    response = confirm(client, token_of(upload(client, people_csv(1))))
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert message == "Importerat till Kvinnojouren A: 1 ny, 0 uppdaterade, 0 oförändrade."
    response = confirm(client, token_of(upload(client, people_csv(3))))
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert message == "Importerat till Kvinnojouren A: 2 nya, 0 uppdaterade, 1 oförändrad."


@pytest.mark.parametrize(
    "singular, plural, one, three",
    [
        ("%(count)d qualification to renew soon", "%(count)d qualifications to renew soon",
         "1 kvalifikation att förnya snart", "3 kvalifikationer att förnya snart"),
        ("%(count)d qualification expiring soon", "%(count)d qualifications expiring soon",
         "1 kvalifikation går snart ut", "3 kvalifikationer går snart ut"),
        ("the header has %(count)d column; expected at most %(columns)s",
         "the header has %(count)d columns; expected at most %(columns)s",
         "rubrikraden har 1 kolumn; förväntade högst dessa: x", "rubrikraden har 3 kolumner; förväntade högst dessa: x"),
        ("%(n)s done", "%(n)s done", "1 genomförd", "3 genomförda"),
    ],
)  # fmt: skip
def test_the_catalogues_say_one_and_many(singular, plural, one, three):
    with translation.override("sv"):
        for count, expected in ((1, one), (3, three)):
            text = ngettext(singular, plural, count)
            assert text % {"count": count, "n": count, "columns": "x"} == expected


#: gettext (``_``, ``gettext``, ``gettext_lazy``) with a count in its message: it says "1 kurser".
COUNT_IN_GETTEXT = re.compile(
    r"""(?<![n\w])(?:_|gettext|gettext_lazy)\(\s*\n?\s*["'][^"']*%\((?:count|n)\)"""
)


def test_no_count_goes_through_plain_gettext():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found += [
                f"{path.relative_to(ROOT)}: {m.group(0)}" for m in COUNT_IN_GETTEXT.finditer(path.read_text())
            ]
    assert found == []
