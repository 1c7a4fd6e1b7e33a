from django.conf import settings
from django.db import models
from wagtail.fields import RichTextField
from wagtail.models import Page


class CourseListingPage(Page):
    intro = RichTextField(blank=True)
    content_panels = [*Page.content_panels, "intro"]


class Enrolment(models.Model):
    """A user signed up for a course listed on a page."""

    course_page = models.ForeignKey(CourseListingPage, on_delete=models.CASCADE, related_name="enrolments")
    # The name a site would choose; the plugins' own enrolments are jour_enrolments on the user.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        unique_together = [("course_page", "user")]

    def __str__(self):
        return f"{self.user} in {self.course_page}"
