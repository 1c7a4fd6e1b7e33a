from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    body = RichTextField(blank=True)
    content_panels = [*Page.content_panels, "body"]


class StandardPage(Page):
    body = RichTextField(blank=True)
    content_panels = [*Page.content_panels, "body"]
