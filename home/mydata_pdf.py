"""A person's data as a PDF (the competence report's layout, ``certifications/report/pdf.py``):
her profile, her admin roles, then every section of ``home/mydata.py`` with its table, an empty
one said so; "Page X of Y" and who it is for and when it was made in the footer."""

from __future__ import annotations

import io
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from certifications.report.pdf import FooterCanvas, a4_document, report_table, section

from .mydata import data_for_reading


def personal_data_pdf(data: dict[str, Any], title: str, organisation_name: str) -> bytes:
    """``data`` (``collect_personal_data``'s or ``personal_data_as_exported``'s) as a PDF."""
    profile, roles, sections = data_for_reading(data)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = a4_document(buffer, title, organisation_name)
    made = _("Made %(date)s") % {"date": timezone.localdate().isoformat()}
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(escape(f"{organisation_name} · {made}"), styles["Normal"]),
        Spacer(1, 0.4 * cm),
        Paragraph(escape(_("In the register")), styles["Heading2"]),
        report_table([_("What"), _("Value")], [list(pair) for pair in profile], document.width),
        Spacer(1, 0.4 * cm),
        Paragraph(escape(_("Admin roles")), styles["Heading2"]),
        Paragraph(escape(", ".join(roles) or _("No admin roles")), styles["BodyText"]),
    ]
    for part in sections:
        heading = Paragraph(escape(part.title), styles["Heading2"])
        story.append(Spacer(1, 0.4 * cm))
        if part.note:
            story += [heading, Paragraph(escape(part.note), styles["Italic"])]
            heading = Spacer(1, 0.1 * cm)
        if part.rows:
            story.append(section(heading, part.headers, part.rows, document.width))
        else:
            story += [heading, Paragraph(escape(_("Nothing recorded.")), styles["BodyText"])]
    canvas = partial(FooterCanvas, lines=(f"{title} · {organisation_name}", made))
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()
