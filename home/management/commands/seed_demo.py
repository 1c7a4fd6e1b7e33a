"""python manage.py seed_demo: demo data for ``make run``. Idempotent: what exists is left as it is."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from certifications.importing import apply_catalogue, apply_records, parse_catalogue, parse_records
from certifications.models import QualificationType, TrainingRecord
from courses.attendance import enrol, record_makeup, report_apology, save_session, set_marks, withdraw
from courses.completion import mark_lesson_done
from courses.models import (
    ATTENDED_MARKS,
    Attendance,
    CourseIndexPage,
    CoursePage,
    CourseRun,
    CourseUnit,
    Enrolment,
    LessonCompletion,
    LessonPage,
    MakeUpKind,
    Mark,
    Theme,
)
from courses.page_access import ensure_course_index
from courses.scheduling import generate_sessions, local_datetime
from home import demo_content as demo
from home.models import HomePage
from people.models import MEMBER_GROUPS, Organisation, User, group_field
from quality.evaluations import WHOLE_COURSE, questions_for, submit_evaluation
from quality.models import Action, AnswerKind, PlanItem


class Command(BaseCommand):
    help = "Load the demo organisation, courses and people (safe to run again: changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        # The home page first: a new organisation's course index is made under it.
        home = self.home_page()
        organisation, _ = Organisation.objects.get_or_create(
            slug=demo.ORGANISATION["slug"], defaults={"name": demo.ORGANISATION["name"]}
        )
        index = self.course_index(organisation)
        basic = self.course(index, organisation, demo.BASIC_COURSE, demo.BASIC_UNITS)
        continuing = self.course(index, organisation, demo.CONTINUING_COURSE, demo.CONTINUING_UNITS)
        home = HomePage.objects.get(pk=home.pk)  # the index was added under another copy of it
        if home.basic_course_id is None:
            home.basic_course = basic
            home.save_revision().publish()
        created = self.people(organisation)
        self.catalogue(organisation)
        self.runs(basic)
        self.records(organisation)
        self.lessons_done(continuing)
        self.actions(organisation)
        self.plan(organisation)
        evening = self.course(index, organisation, demo.EVENING_COURSE, demo.EVENING_UNITS)
        self.evaluations(organisation, basic, evening)
        self.stdout.write(
            f"Demo data ready: {organisation.name}, {User.objects.filter(organisation=organisation).count()} "
            f"people ({created} new)."
        )
        self.print_logins()

    # Pages ------------------------------------------------------------------------------

    def home_page(self) -> HomePage:
        home = HomePage.objects.first()
        site = Site.objects.filter(is_default_site=True).first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(
                    title=demo.HOME["title"],
                    slug="start",
                    introduction=demo.HOME["introduction"],
                    join_text=demo.HOME["join_text"],
                )
            )
            home.save_revision().publish()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=demo.SITE_NAME
            )
        elif site.root_page_id != home.pk:
            welcome = site.root_page
            site.root_page = home
            site.site_name = site.site_name or demo.SITE_NAME
            site.save()
            # Wagtail's placeholder "Welcome to your new Wagtail site!" page is of the base type.
            if welcome.specific_class is Page and welcome.depth == 2 and not welcome.get_children().exists():
                welcome.delete()
        return home

    def child_page(self, parent: Page, model: type[Page], slug: str, **fields) -> Page:
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
        return page

    def course(self, index: Page, organisation: Organisation, spec: dict, units: list[dict]) -> CoursePage:
        existing = index.get_children().filter(slug=spec["slug"]).first()
        if existing is not None:
            return existing.specific
        course = CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            organisation=organisation,
            kind=spec["kind"],
            self_paced=spec.get("self_paced", False),
            theme=Theme.objects.filter(organisation=organisation, name=spec.get("theme", "")).first(),
            introduction=spec["introduction"],
            how_to_join=spec["how_to_join"],
        )
        for number, unit in enumerate(units, start=1):
            course.units.add(
                CourseUnit(
                    number=number,
                    sort_order=number,
                    title=unit["title"],
                    hours=Decimal(unit.get("hours", "2.5")),
                    learning_goals=unit["goals"],
                )
            )
        index.add_child(instance=course)
        course.save_revision().publish()
        for number, unit in enumerate(units, start=1):
            self.child_page(
                course,
                LessonPage,
                slug=f"traff-{number}",
                title=f"{number}. {unit['title']}",
                unit_number=number,
                summary=unit["summary"],
                body=lesson_body(unit),
            )
        return course

    def course_index(self, organisation: Organisation) -> CourseIndexPage:
        """The organisation's course index (made with the organisation), at /utbildningar/."""
        index = ensure_course_index(organisation)
        wanted = {
            "slug": demo.COURSE_INDEX["slug"],
            "title": demo.COURSE_INDEX["title"],
            "introduction": demo.COURSE_INDEX["introduction"],
        }
        if any(getattr(index, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(index, field, value)
            index.save_revision().publish()
            index = CourseIndexPage.objects.get(pk=index.pk)  # publish() saved another copy
        return index

    # People -------------------------------------------------------------------------------

    def people(self, organisation: Organisation) -> int:
        existing = set(User.objects.values_list("email", flat=True))
        new_people = []
        for email, first, last, groups, joined, left, protected in demo.PEOPLE:
            if email in existing:
                continue
            person = User(
                email=email,
                first_name=first,
                last_name=last,
                organisation=organisation,
                joined_on=datetime.date.fromisoformat(joined),
                left_on=datetime.date.fromisoformat(left) if left else None,
                protected_identity=protected,
                **{group_field(code): code in groups.split(";") for code in MEMBER_GROUPS},
            )
            person.set_unusable_password()
            new_people.append(person)
        if "admin@example.org" not in existing:
            new_people.append(
                User(email="admin@example.org", first_name="Admin", last_name="Paraply", is_superuser=True)
            )
        for person in new_people:
            if person.email in {login[0] for login in demo.LOGINS}:
                person.set_password(demo.DEMO_PASSWORD)
        User.objects.bulk_create(new_people)
        for email, _description, group_name, _superuser in demo.LOGINS:
            if group_name:
                User.objects.get(email=email).groups.add(Group.objects.get(name=group_name))
        return len(new_people)

    # Runs and attendance ------------------------------------------------------------------------

    def runs(self, course: CoursePage) -> None:
        if CourseRun.objects.filter(course=course).exists():
            return
        people = {p.email: p for p in User.objects.filter(organisation=course.organisation)}
        coordinator = people["samordnare@example.org"]
        today = timezone.localdate()
        # The current run meets weekly on yesterday's weekday: its sixth session was yesterday
        # evening and its seventh is six days ahead, so six sessions are held and two are to come
        # at any moment of the day the demo is loaded (no session falls on the day itself).
        first = today - datetime.timedelta(weeks=5, days=1)
        runs = {}
        for key, weeks, leaders in demo.RUNS:
            start = first + datetime.timedelta(weeks=weeks)
            season = "HT" if start.month >= 7 else "VT"
            run = CourseRun.objects.create(
                organisation=course.organisation,
                course=course,
                title=f"Studiecirkel {season} {start.year}",
                location=demo.LOCATION,
            )
            run.leaders.set([people[email] for email in leaders])
            generate_sessions(run, start, datetime.time(18), datetime.time(20, 30))
            runs[key] = run

        earlier = runs["earlier"]
        enrol(earlier, [people[e] for e in demo.EARLIER_PARTICIPANTS])
        for session in earlier.sessions.all():
            marks = {
                people[e].pk: (
                    Mark.ABSENT if demo.EARLIER_MISSED.get(e) == session.unit_number else Mark.PRESENT
                )
                for e in demo.EARLIER_PARTICIPANTS
            }
            set_marks(session, marks, coordinator)
        for email, unit in demo.EARLIER_MISSED.items():
            enrolment = Enrolment.objects.get(run=earlier, person=people[email])
            missed_on = earlier.sessions.get(unit_number=unit).local_date
            record_makeup(
                enrolment,
                unit,
                coordinator,
                date=missed_on + datetime.timedelta(days=12),
                led_by="Karin Holm",
                note="Genomgång i föreningslokalen.",
            )

        current = runs["current"]
        enrol(current, [people[e] for e in demo.CURRENT_ATTENDANCE])
        held = [s for s in current.sessions.order_by("starts_at") if s.starts_at < timezone.now()]
        for index, session in enumerate(held):
            marks = {}
            for email, (line, _makeups) in demo.CURRENT_ATTENDANCE.items():
                words = line.split()
                if index < len(words) and words[index] != "-":
                    marks[people[email].pk] = words[index]
            set_marks(session, marks, coordinator)
        for email, (_line, makeups) in demo.CURRENT_ATTENDANCE.items():
            enrolment = Enrolment.objects.get(run=current, person=people[email])
            for unit, kind, detail in makeups:
                if kind == MakeUpKind.CATCH_UP:
                    missed_on = current.sessions.get(unit_number=unit).local_date
                    record_makeup(
                        enrolment,
                        unit,
                        coordinator,
                        date=min(missed_on + datetime.timedelta(days=3), today),
                        led_by=detail,
                    )
                else:
                    record_makeup(
                        enrolment, unit, coordinator, session=runs[detail].sessions.get(unit_number=unit)
                    )
        for email in demo.CURRENT_WITHDRAWN:
            withdraw(Enrolment.objects.get(run=current, person=people[email]))
        self.week(current, people)

    def week(self, current: CourseRun, people: dict[str, User]) -> None:
        """The week's loop in the run in progress (``demo_content.APOLOGY``, ``MOVED_DAYS``,
        ``REMINDERS``): apologies given for the next session, the last session moved, reminders
        wanted. The emails they send wait in the task queue for ``make run``'s worker."""
        coming = list(current.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at"))
        email, note = demo.APOLOGY
        report_apology(coming[0], people[email], note)
        last = coming[-1]
        day = last.local_date + datetime.timedelta(days=demo.MOVED_DAYS)
        last.starts_at = local_datetime(day, timezone.localtime(last.starts_at).time())
        last.ends_at = local_datetime(day, timezone.localtime(last.ends_at).time())
        save_session(last)
        User.objects.filter(email__in=demo.REMINDERS).update(session_reminders=True)

    # Competence ---------------------------------------------------------------------------------

    def catalogue(self, organisation: Organisation) -> None:
        if QualificationType.objects.filter(organisation=organisation).exists():
            return
        catalogue = parse_catalogue(demo.CATALOGUE, organisation)
        if catalogue.problems:
            raise CommandError("; ".join(map(str, catalogue.problems)))
        apply_catalogue(catalogue, organisation)

    def records(self, organisation: Organisation) -> None:
        if TrainingRecord.objects.filter(organisation=organisation).exists():
            return
        today = timezone.localdate()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["email", "kind", "name", "date", "hours", "provider", "expires_on", "revoked_on"])
        for email, kind, name, days_ago, hours, provider, expires_in, revoked_ago in demo.RECORDS:
            writer.writerow(
                [
                    email,
                    kind,
                    name,
                    (today - datetime.timedelta(days=days_ago)).isoformat(),
                    hours,
                    provider,
                    (today + datetime.timedelta(days=expires_in)).isoformat()
                    if expires_in is not None
                    else "",
                    (today - datetime.timedelta(days=revoked_ago)).isoformat()
                    if revoked_ago is not None
                    else "",
                ]
            )
        records = parse_records(out.getvalue(), organisation)
        if records.problems:
            raise CommandError("; ".join(map(str, records.problems)))
        apply_records(records, organisation)

    def actions(self, organisation: Organisation) -> None:
        """The quality work's findings and actions (one overdue, one closed with its follow-up)."""
        if Action.objects.filter(organisation=organisation).exists():
            return
        today = timezone.localdate()
        people = {p.email: p for p in User.objects.filter(organisation=organisation)}
        for title, finding, source, action, email, due_in, status, closed_ago, follow_up in demo.ACTIONS:
            Action.objects.create(
                organisation=organisation,
                title=title,
                finding=finding,
                source=source,
                action=action,
                responsible=people[email],
                due_on=today + datetime.timedelta(days=due_in),
                status=status,
                closed_on=today - datetime.timedelta(days=closed_ago) if closed_ago is not None else None,
                follow_up=follow_up,
            )

    def plan(self, organisation: Organisation) -> None:
        """Themes on the records, and this year's plan."""
        if PlanItem.objects.filter(organisation=organisation).exists():
            return
        themes = {theme.name: theme for theme in Theme.objects.filter(organisation=organisation)}
        for title, name in demo.RECORD_THEMES.items():
            TrainingRecord.objects.filter(organisation=organisation, title=title).update(theme=themes[name])
        today = timezone.localdate()
        for name, groups, when, note in demo.PLAN:
            PlanItem.objects.create(
                organisation=organisation,
                year=today.year,
                theme=themes[name],
                period=demo_period(when, today),
                note=note,
                **{f"group_{code}": True for code in groups},
            )

    def evaluations(self, organisation: Organisation, basic: CoursePage, evening: CoursePage) -> None:
        """The evening of continuing education, and the participants' anonymous evaluations of
        it and of the two study circles' units (``demo_content.EVALUATED``)."""
        if CourseRun.objects.filter(course=evening).exists():
            return
        people = {p.email: p for p in User.objects.filter(organisation=organisation)}
        days_ago, attended = demo.EVENING
        day = timezone.localdate() - datetime.timedelta(days=days_ago)
        run = CourseRun.objects.create(
            organisation=organisation,
            course=evening,
            title=f"Fördjupningskväll {day.year}",
            location=demo.LOCATION,
        )
        run.leaders.set([people["petra.sjoberg@example.org"]])
        generate_sessions(run, day, datetime.time(18), datetime.time(20, 30))
        enrol(run, [people[email] for email in attended])
        set_marks(
            run.sessions.get(),
            {people[email].pk: Mark.PRESENT for email in attended},
            people["samordnare@example.org"],
        )
        now = timezone.now()
        basic_runs = list(CourseRun.objects.filter(course=basic))
        runs = {
            "current": next(
                r
                for r in basic_runs
                if r.sessions.filter(starts_at__gt=now).exists()
                and r.sessions.filter(ends_at__lt=now).exists()
            ),
            "earlier": next(r for r in basic_runs if not r.sessions.filter(ends_at__gt=now).exists()),
            "evening": run,
        }
        turn = 0
        for key, units in demo.EVALUATED.items():
            questions = questions_for(organisation, runs[key].course.kind)
            for unit, answering in units.items():
                sessions = (
                    runs[key].sessions.all()
                    if unit == WHOLE_COURSE
                    else runs[key].sessions.filter(unit_number=unit)
                )
                session = max(sessions, key=lambda s: s.ends_at)
                came = (
                    Attendance.objects.filter(session__in=sessions, mark__in=ATTENDED_MARKS)
                    .order_by("person__last_name", "person__first_name")
                    .values_list("person", flat=True)
                    .distinct()
                )
                for person_id in list(came)[:answering]:
                    answers = {}
                    for question in questions:
                        if question.kind == AnswerKind.RATING:
                            answers[question.pk] = demo.EVALUATION_RATINGS[
                                turn % len(demo.EVALUATION_RATINGS)
                            ]
                            turn += 1
                        else:
                            answers[question.pk] = demo.EVALUATION_TEXTS[turn % len(demo.EVALUATION_TEXTS)]
                    submit_evaluation(
                        User.objects.get(pk=person_id),
                        runs[key],
                        unit,
                        answers,
                        now=session.ends_at + datetime.timedelta(hours=1),
                    )

    def lessons_done(self, course: CoursePage) -> None:
        if LessonCompletion.objects.filter(lesson__in=LessonPage.objects.child_of(course)).exists():
            return
        lessons = {lesson.unit_number: lesson for lesson in LessonPage.objects.child_of(course)}
        for email, units in demo.LESSONS_DONE:
            person = User.objects.get(email=email)
            for unit in units:
                mark_lesson_done(person, lessons[unit])

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for email, description, _group, _superuser in demo.LOGINS:
            self.stdout.write(f"  {email:<26} {description}")
        from django.conf import settings

        if settings.JOUR_REQUIRE_2FA:
            self.stdout.write(
                "Coordinators, the board and the administrator set up two-step verification "
                "(an authenticator app) at their first login."
            )
        else:
            self.stdout.write(
                "Two-step verification is off in this demo; REQUIRE_2FA=1 turns it on "
                "(it is on in production)."
            )


def demo_period(when: str, today: datetime.date) -> str:
    """A plan line's period from the demo's "when" (``demo_content.PLAN``)."""
    if when.startswith("ago:"):
        day = today - datetime.timedelta(days=int(when[4:]))
        return f"m{day.month:02d}" if day.year == today.year else "q1"
    if when == "last-quarter":
        return f"q{max(1, (today.month - 1) // 3)}"
    return when


def lesson_body(unit: dict) -> list[tuple[str, object]]:
    """A lesson's StreamField content from the demo text."""
    body: list[tuple[str, object]] = [("text", "".join(f"<p>{p}</p>" for p in unit["text"]))]
    body.append(("heading", unit["heading"]))
    body.append(("text", f"<p>{unit['text2']}</p>"))
    body.append(("discussion", {"heading": "Att samtala om", "questions": unit["questions"]}))
    body.append(
        (
            "reading_list",
            {
                "heading": "Läs mer",
                "items": [
                    {"title": title, "author": author, "link": "", "note": note}
                    for title, author, note in unit["reading"]
                ],
            },
        )
    )
    return body
