"""The annual quality review as a print-ready PDF, laid out as the competence report's
(certifications/report/pdf.py: fitted tables, header rows repeated, headings kept with their
tables, "Sida X av Y", the board's approval at the end). ``invariant``: the same review made on the
same day gives the same bytes."""

from __future__ import annotations

import io
from functools import partial
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from certifications.report.figures import WITHHELD_NOTE
from certifications.report.files import report_tables
from certifications.report.pdf import FooterCanvas, a4_document, approval, section
from people.models import Organisation

from .review import free_texts, review_tables


def review_pdf(review: dict, organisation: Organisation) -> bytes:
    external = review["external"]
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = _("Annual quality review %(year)s – %(org)s") % {"year": review["year"], "org": organisation.name}
    document = a4_document(buffer, title, organisation.name)
    version = _("External version") if external else _("Internal version")
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(
            escape(f"{version} · " + _("Figures as of %(date)s") % {"date": review["as_of"]}),
            styles["Normal"],
        ),
    ]
    if external:
        story.append(Paragraph(escape(str(WITHHELD_NOTE)), styles["Italic"]))
    story.append(Paragraph(escape(_("The board's summary")), styles["Heading2"]))
    for paragraph in (review["summary"].strip() or "–").split("\n\n"):
        story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), styles["BodyText"]))
    for heading, headers, rows in review_tables(review):
        story += [
            Spacer(1, 0.4 * cm),
            section(Paragraph(escape(str(heading)), styles["Heading2"]), headers, rows, document.width),
        ]
    texts = free_texts(review)
    if texts:
        story.append(Paragraph(escape(_("Free-text answers")), styles["Heading2"]))
        for label, answers in texts:
            story.append(Paragraph(escape(label), styles["Heading4"]))
            story += [Paragraph("– " + escape(answer), styles["BodyText"]) for answer in answers]
    story += [PageBreak(), Paragraph(escape(_("The competence report")), styles["Heading1"])]
    for heading, headers, rows in report_tables(review["report"], external):
        if heading == _("Narrative"):
            continue
        story += [
            Spacer(1, 0.3 * cm),
            section(Paragraph(escape(str(heading)), styles["Heading3"]), headers, rows, document.width),
        ]
    story.append(approval(styles, document.width))
    made = _("Generated %(date)s") % {"date": timezone.localdate().isoformat()}
    lines = (f"{organisation.name} · {review['year']}", f"{version} · {made}")
    document.build(story, canvasmaker=partial(FooterCanvas, lines=lines))
    return buffer.getvalue()
