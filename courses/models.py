"""Course content as Wagtail pages: an index of courses, each course with its ordered units,
and a lesson page per unit (members only)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import LessonStreamBlock
from .forms import CoursePageForm


class CourseIndexPage(Page):
    """Lists an association's courses."""

    introduction = RichTextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
    ]
    subpage_types = ["courses.CoursePage"]

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


class CoursePage(Page):
    """A course: the study circle (basic) or a continuing-education module.

    The page itself is public: it tells a prospective volunteer what the course is and how to
    join. Its lessons (child pages) are for members.
    """

    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices, default=CourseKind.BASIC)
    introduction = RichTextField(_("introduction"), help_text=_("What the course is, for whom, and why."))
    how_to_join = RichTextField(
        _("how to join"), blank=True, help_text=_("How a prospective participant signs up.")
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("kind")]),
        FieldPanel("introduction"),
        FieldPanel("how_to_join"),
        InlinePanel("units", heading=_("Units"), label=_("Unit"), min_num=1),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")

    @property
    def is_basic(self) -> bool:
        return self.kind == CourseKind.BASIC

    def ordered_units(self) -> list[CourseUnit]:
        return sorted(self.units.all(), key=lambda unit: unit.number)

    @property
    def total_hours(self) -> Decimal:
        return sum((unit.hours for unit in self.units.all()), Decimal("0"))

    def lessons_by_unit(self) -> dict[int, LessonPage]:
        """The live lesson page of each unit number (one query)."""
        lessons = LessonPage.objects.child_of(self).live().order_by("unit_number", "path")
        by_unit: dict[int, LessonPage] = {}
        for lesson in lessons:
            by_unit.setdefault(lesson.unit_number, lesson)
        return by_unit

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lessons = self.lessons_by_unit()
        context["units"] = [(unit, lessons.get(unit.number)) for unit in self.ordered_units()]
        return context


class CourseUnit(Orderable):
    """One unit of a course: for the study circle, one of its eight sessions."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.5"),
        validators=[MinValueValidator(Decimal("0.25"))],
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


class LessonPage(Page):
    """The material for one unit. Requires login by default (see ``courses.signals``)."""

    unit_number = models.PositiveSmallIntegerField(
        _("unit number"),
        validators=[MinValueValidator(1)],
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
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def get_course(self) -> CoursePage | None:
        return CoursePage.objects.filter(pk=self.get_parent().pk).first() if self.pk else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.get_course()
        context["course"] = course
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
