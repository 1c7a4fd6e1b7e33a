"""A member with a little of everything: a run with attendance and a completion, a make-up,
a lesson done, qualifications, a training record, a reminder, a calendar link."""

from __future__ import annotations

import datetime

from certifications.models import QualificationType, ReminderSent
from courses.attendance import enrol, record_makeup, set_marks
from courses.ical import feed_token
from courses.models import FeedKind
from tests.certifications.conftest import qualify, train
from tests.factories import make_course, make_run


def give_history(person, leader, units: int = 4, title: str = "Studiecirkel"):
    """``units`` sessions attended (the first one made up), a qualification per unit, a
    training record per unit and a reminder; returns the run."""
    org = person.organisation
    course = make_course(org, title=title, units=units)
    run = make_run(course, datetime.date(2026, 1, 5), title=f"{title} VT 2026")
    enrol(run, [person])
    sessions = list(run.sessions.order_by("starts_at"))
    for number, session in enumerate(sessions):
        set_marks(session, {person.pk: "absent" if number == 0 else "present"}, by=leader)
    enrolment = person.jour_enrolments.get(run=run)
    record_makeup(enrolment, 1, leader, date=datetime.date(2026, 3, 1), led_by="Ledaren", note="Ikapp hemma")
    qtype = QualificationType.objects.create(organisation=org, name=f"{title} intyg")
    for number in range(units):
        qualification = qualify(person, qtype, f"2026-0{1 + number % 9}-01", expires="2027-01-01")
    ReminderSent.objects.create(
        qualification=qualification, days_before=60, expires_on=datetime.date(2027, 1, 1)
    )
    for number in range(units):
        train(org, [person], f"2026-0{1 + number % 9}-10", "2", title=f"{title} fortbildning {number}")
    feed_token(person, FeedKind.MY_SESSIONS)
    return run
