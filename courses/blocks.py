"""StreamField blocks for lesson content."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "jour_courses/blocks/heading.html"
        label = _("Heading")


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Empty if it is decoration."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        template = "jour_courses/blocks/figure.html"
        label = _("Image")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "jour_courses/blocks/document.html"
        label = _("Document")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        template = "jour_courses/blocks/video.html"
        label = _("Embedded video")


class DiscussionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default=_("Questions to discuss"))
    questions = blocks.ListBlock(blocks.CharBlock(label=_("Question")), label=_("Questions"))

    class Meta:
        icon = "help"
        template = "jour_courses/blocks/discussion.html"
        label = _("Discussion questions")


class ReadingItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    author = blocks.CharBlock(label=_("Author or publisher"), required=False)
    link = blocks.URLBlock(label=_("Link"), required=False)
    note = blocks.CharBlock(label=_("Note"), required=False)


class ReadingListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default=_("Reading list"))
    items = blocks.ListBlock(ReadingItemBlock(), label=_("Items"))

    class Meta:
        icon = "list-ul"
        template = "jour_courses/blocks/reading_list.html"
        label = _("Reading list")


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(
        label=_("Text"), features=["bold", "italic", "ol", "ul", "link", "document-link", "blockquote"]
    )
    image = FigureBlock()
    document = DocumentBlock()
    video = VideoBlock()
    discussion = DiscussionBlock()
    reading_list = ReadingListBlock()
