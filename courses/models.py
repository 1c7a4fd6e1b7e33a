"""Courses: the content as Wagtail pages (an index of courses, each course with its ordered
units, a lesson page per unit for members), and the courses in practice: runs with their
sessions, enrolments, attendance, make-ups and completions."""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from jour_core.scoping import OrganisationScopedQuerySet, can_see_organisation
from people.bounds import MAX_HOURS, MaxValue, MinValue, validate_date_in_range

from .blocks import LessonStreamBlock
from .conf import login_url
from .page_forms import CourseIndexPageForm, CoursePageForm

#: The themes every organisation starts with (the quality model's usual subjects of continuing
#: education); each organisation edits its own list.
DEFAULT_THEMES = (
    "Mäns våld mot kvinnor",
    "Barn som upplever våld",
    "Hedersrelaterat våld och förtryck",
    "Samtalsmetodik",
    "Värdegrund och etik",
    "Normkritik",
    "Ledarskap",
    "Studiebesök",
)


class Theme(models.Model):
    """A subject of training (e.g. Barn som upplever våld): the competence plan plans by theme,
    and courses and training records carry one, so that what was done can be set against it.
    The themes go with their organisation (they are its own list, made with it)."""

    organisation = models.ForeignKey(
        "jour_people.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0, validators=[MaxValueValidator(1000)])

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_theme_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


def seed_themes(organisation) -> None:
    """Give an organisation the default themes it does not have yet (by name)."""
    have = set(Theme.objects.filter(organisation=organisation).values_list("name", flat=True))
    Theme.objects.bulk_create(
        Theme(organisation=organisation, name=name, sort_order=10 * (number + 1))
        for number, name in enumerate(DEFAULT_THEMES)
        if name not in have
    )


class CourseIndexPage(Page):
    """Lists an association's courses. Each organisation has one, made with the organisation
    (courses/page_access.py): its coordinators add, change and publish the courses and lessons
    under it, and nowhere else. The courses under an index belong to its organisation."""

    organisation = models.ForeignKey(
        "jour_people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_indexes",
        help_text=_(
            "The courses under this index belong to this organisation, and its coordinators edit "
            "them. It cannot be changed once set. Empty: only the administrator edits this index, "
            "and no courses can be added under it."
        ),
    )
    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation", permission="superuser"),
        FieldPanel("introduction"),
    ]
    subpage_types = ["jour_courses.CoursePage"]
    base_form_class = CourseIndexPageForm

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = (
            CoursePage.objects.child_of(self).live().public().specific().prefetch_related("units")
        )
        return context


class CourseKind(models.TextChoices):
    BASIC = "basic", _("Basic training")
    CONTINUING = "continuing", _("Continuing education")


class CoursePageQuerySet(OrganisationScopedQuerySet, PageQuerySet):
    """Course pages, scoped like every organisation's rows (``for_user``); their writes that
    send no signals bump their organisation's data version too."""

    organisation_lookup = "organisation"


class CoursePage(Page):
    """A course: the study circle (basic) or a continuing-education module.

    The page itself is public: it tells a prospective volunteer what the course is and how to
    join. Its lessons (child pages) are for members.
    """

    #: Always its course index's organisation (set on save; see ``save``).
    organisation = models.ForeignKey(
        "jour_people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices, default=CourseKind.BASIC)
    introduction = RichTextField(_("introduction"), help_text=_("What the course is, for whom, and why."))
    how_to_join = RichTextField(
        _("how to join"), blank=True, help_text=_("How a prospective participant signs up.")
    )
    max_missed_units = models.PositiveSmallIntegerField(
        _("units that may be missed"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "The completion rule: at most this many units may be neither attended nor made up. "
            "0 means every unit counts."
        ),
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("What the course is about, for the competence plan."),
    )
    self_paced = models.BooleanField(
        _("self-paced"),
        default=False,
        help_text=_("Members mark each lesson as done; the course is complete when all lessons are done."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("organisation", read_only=True), FieldPanel("kind"), FieldPanel("theme")]),
        FieldPanel("introduction"),
        FieldPanel("how_to_join"),
        FieldRowPanel([FieldPanel("max_missed_units"), FieldPanel("self_paced")], heading=_("Completion")),
        InlinePanel("units", heading=_("Units"), label=_("Unit"), min_num=1),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["jour_courses.CourseIndexPage"]
    subpage_types = ["jour_courses.LessonPage"]
    base_form_class = CoursePageForm

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    class Meta:
        verbose_name = _("course")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        """Only under an index that belongs to an organisation (the course becomes hers)."""
        return super().can_create_at(parent) and getattr(parent.specific, "organisation_id", None) is not None

    def save(self, *args, **kwargs):
        """A course belongs to the organisation of the index it is under: set here, so that no
        form field or tampered request decides it. Moving a course to another organisation's
        index is refused (``courses.wagtail_hooks``); a copy belongs to its new index's."""
        parent = self.get_parent() if self.path else None
        organisation_id = getattr(parent.specific, "organisation_id", None) if parent is not None else None
        if organisation_id is not None:
            self.organisation_id = organisation_id
        super().save(*args, **kwargs)

    @property
    def is_basic(self) -> bool:
        return self.kind == CourseKind.BASIC

    def ordered_units(self) -> list[CourseUnit]:
        return sorted(self.units.all(), key=lambda unit: unit.number)

    @property
    def total_hours(self) -> Decimal:
        return sum((unit.hours for unit in self.units.all()), Decimal("0"))

    @staticmethod
    def lessons_of(courses: Iterable[CoursePage]) -> dict[int, list[LessonPage]]:
        """The live lesson pages (the children) of each course, by course id, in unit order
        (tree order within a unit); one query for all the courses."""
        courses = list(courses)
        by_course: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
        if not courses:
            return by_course
        live = LessonPage.objects.live()
        children = functools.reduce(operator.or_, (live.child_of_q(course) for course in courses))
        for lesson in live.filter(children).order_by("unit_number", "path"):
            course = next(course for course in courses if lesson.is_child_of(course))
            by_course[course.pk].append(lesson)
        return by_course

    @staticmethod
    def lessons_by_unit_of(courses: Iterable[CoursePage]) -> dict[int, dict[int, LessonPage]]:
        """The live lesson page of each unit number (the first in the tree), per course id;
        one query for all the courses."""
        return CoursePage.first_lesson_by_unit(CoursePage.lessons_of(courses))

    @staticmethod
    def first_lesson_by_unit(lessons_of: dict[int, list[LessonPage]]) -> dict[int, dict[int, LessonPage]]:
        """``lessons_of``'s answer as the live lesson page of each unit number (the first in
        the tree), per course id (no query)."""
        by_course: dict[int, dict[int, LessonPage]] = {}
        for course_id, lessons in lessons_of.items():
            by_unit = by_course[course_id] = {}
            for lesson in lessons:
                by_unit.setdefault(lesson.unit_number, lesson)
        return by_course

    def lessons_by_unit(self) -> dict[int, LessonPage]:
        """The live lesson page of each unit number (one query)."""
        return CoursePage.lessons_by_unit_of([self])[self.pk]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lessons = self.lessons_by_unit()
        context["units"] = [(unit, lessons.get(unit.number)) for unit in self.ordered_units()]
        context["login_url"] = login_url()
        return context


#: The highest unit number a course may have (a unit's and a lesson page's number).
MAX_UNIT_NUMBER = 100


class CourseUnit(Orderable):
    """One unit of a course: for the study circle, one of its eight sessions."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_UNIT_NUMBER)]
    )
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.5"),
        validators=[MinValue(Decimal("0.25")), MaxValue(MAX_HOURS)],
    )
    learning_goals = models.TextField(_("learning goals"), blank=True, help_text=_("One goal per line."))

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("hours")]),
        FieldPanel("title"),
        FieldPanel("learning_goals"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def learning_goal_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.learning_goals.splitlines() if line.strip(" -•\t")]


def with_unit_hours(
    rows: models.QuerySet, session: str = "session__", join: bool = False
) -> tuple[models.QuerySet, str]:
    """Rows that are or lead to sessions (``session`` is the path, ``""`` for sessions, e.g.
    ``"session__"`` from attendance), with the hours of the session's unit as a field to sum;
    returns the rows and the field's name. 0 (or nothing to sum) without such a unit.

    A session has no foreign key to its unit (it is the course's unit of that number), so this
    is a join on two columns. PostgreSQL hash-joins the unit table; SQLite runs the lookup as a
    subquery per row, which it does faster than the join. Same answer either way (the suite runs
    on both); README "Performance" has the figures. Unit numbers are unique within a course
    (``CoursePageForm``), so a row meets one unit at most. ``join``: the join on SQLite too,
    for rows that are few (the sessions themselves): Django builds it faster than the subquery.
    """
    if join or connection.vendor == "postgresql":
        unit = FilteredRelation(
            f"{session}run__course__units",
            condition=Q(**{f"{session}run__course__units__number": F(f"{session}unit_number")}),
        )
        return rows.annotate(session_unit=unit), "session_unit__hours"
    hours = CourseUnit.objects.filter(
        course_id=OuterRef(f"{session}run__course_id"), number=OuterRef(f"{session}unit_number")
    )
    subquery = Coalesce(
        Subquery(hours.order_by().values("hours")[:1]), Value(Decimal(0)), output_field=models.DecimalField()
    )
    return rows.annotate(session_unit_hours=subquery), "session_unit_hours"


class LessonPage(Page):
    """The material for one unit. Requires login by default (see ``courses.signals``)."""

    unit_number = models.PositiveSmallIntegerField(
        _("unit number"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNIT_NUMBER)],
        help_text=_("The course unit this lesson belongs to."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("unit_number"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["jour_courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def get_course(self) -> CoursePage | None:
        return CoursePage.objects.filter(pk=self.get_parent().pk).first() if self.pk else None

    def serve(self, request, *args, **kwargs):
        """A lesson behind a privacy restriction is for the members of its course's organisation:
        anyone else who is logged in gets 404 (Wagtail has already sent anonymous visitors to the
        login). A lesson an editor made public is public."""
        user = request.user
        if user.is_authenticated and not user.is_superuser and self.get_view_restrictions().exists():
            course = self.get_course()
            if not can_see_organisation(user, course.organisation_id if course else None):
                raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.get_course()
        context["course"] = course
        if course is not None and course.self_paced and request.user.is_authenticated:
            context["lesson_done"] = LessonCompletion.objects.filter(
                person=request.user, lesson=self
            ).exists()
        if course is not None:
            units = course.ordered_units()
            context["unit"] = next((u for u in units if u.number == self.unit_number), None)
            lessons = course.lessons_by_unit()
            numbers = sorted(lessons)
            position = numbers.index(self.unit_number) if self.unit_number in numbers else None
            if position is not None:
                context["previous_lesson"] = lessons[numbers[position - 1]] if position > 0 else None
                context["next_lesson"] = (
                    lessons[numbers[position + 1]] if position + 1 < len(numbers) else None
                )
        return context


# The course in practice -------------------------------------------------------------------


class CourseRunQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "organisation"


class CourseRun(models.Model):
    """One run of a course, e.g. "Studiecirkel VT 2027", with its sessions and participants."""

    organisation = models.ForeignKey(
        "jour_people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="runs",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="runs"
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("For example Studiecirkel VT 2027."))
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("A label such as Föreningslokalen, not a street address."),
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("circle leaders"), related_name="jour_led_runs", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.course_id and self.organisation_id and self.course.organisation_id != self.organisation_id:
            raise ValidationError({"course": _("The course belongs to another organisation.")})


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SessionQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "run__organisation"

    def not_cancelled(self) -> SessionQuerySet:
        return self.exclude(status=SessionStatus.CANCELLED)


class Session(models.Model):
    """One meeting of a run (träff). Times are aware datetimes; they keep their local
    wall-clock time in Europe/Stockholm because they are made from local dates and times."""

    run = models.ForeignKey(
        CourseRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="sessions"
    )
    unit_number = models.PositiveSmallIntegerField(
        _("unit"), null=True, blank=True, help_text=_("The course unit taught; empty for an extra meeting.")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Grows whenever the time or the status changes (iCalendar)."
    )
    moved_from = models.DateTimeField(
        _("moved from"),
        null=True,
        blank=True,
        editable=False,
        help_text="When it was to start before it was last moved (courses/notifications.py).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="cancelled_session_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["run", "starts_at"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        label = f"{self.unit_number}. " if self.unit_number else ""
        return f"{self.run.title}: {label}{local:%Y-%m-%d %H:%M}"

    _TRACKED = ("starts_at", "ends_at", "status")

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_loaded", None)
        if loaded and any(getattr(self, name) != value for name, value in loaded.items()):
            self.sequence += 1
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name) for name in self._TRACKED}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = {name: getattr(instance, name) for name in cls._TRACKED if name in field_names}
        return instance

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def local_date(self):
        return timezone.localtime(self.starts_at).date()

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})
        if self.status == SessionStatus.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": _("Give a reason when cancelling a session.")})


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EnrolmentQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "run__organisation"

    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=EnrolmentStatus.ENROLLED)


class Enrolment(models.Model):
    run = models.ForeignKey(
        CourseRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="jour_enrolments",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_enrolment_per_person_and_run")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.run}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == EnrolmentStatus.WITHDRAWN


class Mark(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


#: How long the note with an apology may be.
ATTENDANCE_NOTE_MAX_LENGTH = 500

#: Marks that count as having attended.
ATTENDED_MARKS = frozenset({Mark.PRESENT, Mark.LATE})


class AttendanceQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "session__run__organisation"


class Attendance(models.Model):
    """A person's mark for one session. Every change is kept in ``history`` with who and when."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="jour_attendance",
    )
    mark = models.CharField(_("mark"), max_length=10, choices=Mark.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)
    note = models.CharField(
        _("note"),
        max_length=ATTENDANCE_NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Her own words when she gives apologies, for the circle leaders."),
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_mark_per_person_and_session")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.session}: {self.get_mark_display()}"


class MakeUpKind(models.TextChoices):
    OTHER_RUN = "other_run", _("The same unit in another run")
    CATCH_UP = "catch_up", _("Individual catch-up")


class MakeUpQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "enrolment__run__organisation"


class MakeUp(models.Model):
    """A missed unit made up: by attending the same unit's session in another run, or by an
    individual catch-up. Recorded on the enrolment; it never rewrites the original mark."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="makeups"
    )
    unit_number = models.PositiveSmallIntegerField(_("unit"))
    kind = models.CharField(_("kind"), max_length=20, choices=MakeUpKind.choices)
    session = models.ForeignKey(
        Session,
        verbose_name=_("session in another run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="makeups",
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("For an individual catch-up."),
    )
    led_by = models.CharField(_("led by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MakeUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit_number", "recorded_at"]
        verbose_name = _("make-up")
        verbose_name_plural = _("make-ups")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=MakeUpKind.OTHER_RUN) & Q(session__isnull=False))
                | (Q(kind=MakeUpKind.CATCH_UP) & Q(date__isnull=False)),
                name="makeup_has_session_or_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person} – {self.unit_number}: {self.get_kind_display()}"


class SessionReminder(models.Model):
    """The reminder the day before a session, sent to one person once (courses/reminders.py)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: The start it told of: a session moved to another day is reminded of again.
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "starts_at"], name="one_reminder_per_session_start_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} – {self.session_id} ({self.starts_at:%Y-%m-%d %H:%M})"


class CompletionQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "course__organisation"


class Completion(models.Model):
    """A person completed a course, on the date of the session or make-up that met the rule.

    Once recorded it stays: a later edit that breaks the rule flags it for the coordinator.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="jour_completions",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions"
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completions",
    )
    completed_on = models.DateField(_("completed on"), validators=[validate_date_in_range])
    flagged = models.BooleanField(_("needs checking"), default=False)
    flag_reason = models.CharField(_("why it needs checking"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CompletionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="one_completion_per_course")]

    def __str__(self) -> str:
        return f"{self.person} – {self.course.title} ({self.completed_on})"


class LessonCompletionQuerySet(OrganisationScopedQuerySet):
    #: Her organisation's: a self-paced course is one of her organisation's (My training shows
    #: how far she has come).
    organisation_lookup = "person__organisation"


class LessonCompletion(models.Model):
    """A member marked a lesson of a self-paced course as done."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jour_lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    done_at = models.DateTimeField(default=timezone.now)

    objects = LessonCompletionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "lesson"], name="one_lesson_completion")]

    def __str__(self) -> str:
        return f"{self.person} – {self.lesson}"


class FeedKind(models.TextChoices):
    MY_SESSIONS = "my", _("My sessions")
    RUN = "run", _("A run")
    ORGANISATION = "organisation", _("The organisation")


class FeedToken(models.Model):
    """A secret calendar subscription link: one per person and feed (see ``courses.ical``).

    The token in the link is an HMAC, keyed with the site's SECRET_KEY, of a random ``nonce``
    made with ``secrets``; the database holds the nonce and a SHA-256 hash of the token, never
    the token, so the table alone opens no feed. Resetting draws a new nonce: the old link stops
    working at once."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jour_feed_tokens"
    )
    kind = models.CharField(max_length=20, choices=FeedKind.choices)
    run = models.ForeignKey(CourseRun, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "jour_people.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["person", "kind"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()}"
