"""The site's home page: says what the site is and leads each kind of user to her place."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from courses.models import CoursePage


class HomePage(Page):
    introduction = RichTextField(_("introduction"), blank=True)
    basic_course = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("basic course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The study circle a prospective volunteer is pointed to."),
    )
    join_text = RichTextField(
        _("for prospective volunteers"),
        blank=True,
        help_text=_("A few words for someone who wants to become a volunteer."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        PageChooserPanel("basic_course", page_type="jour_courses.CoursePage"),
        FieldPanel("join_text"),
    ]
    max_count = None

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            courses = CoursePage.objects.live().descendant_of(self).prefetch_related("units")
            if not request.user.is_superuser:
                courses = courses.filter(organisation_id=request.user.organisation_id)
            context["my_courses"] = courses
        return context
