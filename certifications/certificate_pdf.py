"""A certificate (intyg) as a one-page A4 PDF in Swedish (reportlab, the competence report's page
from ``report/pdf.py``): the organisation, her name, the course, its units and their hours, the
total, the dates, lines to sign on, the verification code and a QR code to the public page that
checks it.

The signature is left to a person: empty lines for the place and date, the signature and the
name and role written out, so that a coordinator signs the printed paper when one is asked for;
the code checks the certificate without it. The holder's name is the register's (she reads her
own certificate; a protected identity's certificate is served to her alone:
``certificates.completion_for_download``).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

import segno
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from courses.models import CourseKind
from jour_core.numbers import number

from .models import Certificate
from .report.pdf import GRID, HEADER_BACKGROUND, a4_document


def hours_text(value: str | Decimal) -> str:
    """Hours as Swedish writes them: "2,5", "20"."""
    return number(Decimal(value))


def day_text(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    centred = {"alignment": TA_CENTER}
    return {
        "organisation": ParagraphStyle("organisation", parent=base["Normal"], fontSize=12, **centred),
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=30, leading=36, spaceAfter=14),
        "lead": ParagraphStyle("lead", parent=base["Normal"], fontSize=11, leading=15, **centred),
        "name": ParagraphStyle(
            "name", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=20, leading=26, **centred
        ),
        "course": ParagraphStyle(
            "course", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=15, leading=19, **centred
        ),
        "normal": base["Normal"],
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=8.5, leading=11),
    }


def _dates(details: dict) -> str:
    first = datetime.date.fromisoformat(details["first_day"])
    last = datetime.date.fromisoformat(details["last_day"])
    if first == last:
        return _("Completed on %(date)s") % {"date": day_text(last)}
    return _("Attended %(first)s – %(last)s") % {"first": day_text(first), "last": day_text(last)}


@dataclass(frozen=True)
class Layout:
    """How the units' table is set: in one or two columns of units, at a font size."""

    columns: int
    size: float


#: Tried in order until the certificate fits one page (a course of many units gets two columns
#: and smaller type).
LAYOUTS = (Layout(1, 9.5), Layout(2, 8.5), Layout(2, 7), Layout(2, 5.5))


def _units_table(details: dict, width: float, layout: Layout) -> Table:
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=layout.size, leading=layout.size * 1.25)
    bold = ParagraphStyle("cell-bold", parent=cell, fontName="Helvetica-Bold")
    right = ParagraphStyle("cell-right", parent=cell, alignment=TA_RIGHT)
    right_bold = ParagraphStyle("cell-right-bold", parent=bold, alignment=TA_RIGHT)
    pairs = [
        [
            Paragraph(escape(f"{unit['number']}. {unit['title']}"), cell),
            Paragraph(hours_text(unit["hours"]), right),
        ]
        for unit in details["units"]
    ]
    per_column = -(-len(pairs) // layout.columns) if pairs else 0
    header = [Paragraph(escape(_("Unit")), bold), Paragraph(escape(_("Hours")), right_bold)]
    rows = [header * layout.columns]
    for index in range(per_column):
        row = []
        for column in range(layout.columns):
            at = column * per_column + index
            row += pairs[at] if at < len(pairs) else ["", ""]
        rows.append(row)
    total = [
        Paragraph(escape(_("In total")), bold),
        Paragraph(hours_text(details["total_hours"]), right_bold),
    ]
    rows.append(["", ""] * (layout.columns - 1) + total)
    hours_width = 2.2 * cm
    gap = 0.5 * cm if layout.columns > 1 else 0
    unit_width = (width - gap * (layout.columns - 1)) / layout.columns - hours_width
    widths = []
    for column in range(layout.columns):
        widths += [unit_width + (gap if column else 0), hours_width]
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                *(("LEFTPADDING", (2 * c, 0), (2 * c, -1), 6 + gap) for c in range(1, layout.columns)),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, GRID),
                ("LINEABOVE", (-2, -1), (-1, -1), 1, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _signature(styles, width: float) -> Table:
    """Three lines to write on, their labels under them: place and date, signature, name and role."""
    gap = 0.6 * cm
    line = (width - 2 * gap) / 3
    labels = [_("Place and date"), "", _("Signature"), "", _("Name in print and role")]
    table = Table(
        [[""] * 5, [Paragraph(escape(label), styles["small"]) if label else "" for label in labels]],
        colWidths=[line, gap, line, gap, line],
        rowHeights=[1.3 * cm, None],
    )
    table.setStyle(
        TableStyle(
            [
                *(("LINEBELOW", (c, 0), (c, 0), 0.8, colors.black) for c in (0, 2, 4)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _verification(certificate: Certificate, url: str, styles, width: float) -> Table:
    """The QR code to the public page, and the code and address written out beside it."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    qr = Image(buffer, width=3.2 * cm, height=3.2 * cm)
    text = [
        Paragraph(escape(_("Verification code")), styles["small"]),
        Paragraph(
            f'<font name="Courier-Bold" size="15">{escape(certificate.display_code)}</font>', styles["normal"]
        ),
        Spacer(1, 0.2 * cm),
        Paragraph(
            escape(_("Scan the code or open the address below to check that the certificate is genuine:")),
            styles["small"],
        ),
        Paragraph(f'<font name="Courier" size="8">{escape(url)}</font>', styles["small"]),
    ]
    table = Table([[qr, text]], colWidths=[3.8 * cm, width - 3.8 * cm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.5, GRID),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _story(certificate: Certificate, holder_name: str, url: str, width: float, layout: Layout) -> list:
    details = certificate.details
    styles = _styles()
    kind = _("Continuing education") if details["kind"] == CourseKind.CONTINUING else _("Basic training")
    issued = timezone.localdate(certificate.issued_at)
    return [
        Paragraph(escape(details["organisation"]), styles["organisation"]),
        Spacer(1, 0.3 * cm),
        Paragraph(escape(_("Certificate")), styles["title"]),
        Paragraph(escape(_("This is to certify that")), styles["lead"]),
        Spacer(1, 0.2 * cm),
        Paragraph(escape(holder_name), styles["name"]),
        Spacer(1, 0.2 * cm),
        Paragraph(escape(_("has completed")), styles["lead"]),
        Spacer(1, 0.2 * cm),
        Paragraph(escape(details["course"]), styles["course"]),
        Paragraph(escape(f"{kind} · {_dates(details)}"), styles["lead"]),
        Spacer(1, 0.6 * cm),
        _units_table(details, width, layout),
        Spacer(1, 0.5 * cm),
        Paragraph(
            escape(
                _("Issued by %(organisation)s on %(date)s.")
                % {"organisation": details["organisation"], "date": day_text(issued)}
            ),
            styles["normal"],
        ),
        Spacer(1, 0.2 * cm),
        _signature(styles, width),
        Spacer(1, 0.7 * cm),
        _verification(certificate, url, styles, width),
    ]


def certificate_pdf(certificate: Certificate, holder_name: str, verify_url: str) -> bytes:
    """The certificate as a one-page A4 PDF in Swedish; ``verify_url`` is the public page that
    checks its code (in the QR code and written out). The first of ``LAYOUTS`` that fits one page."""
    with translation.override("sv"):
        title = f"{_('Certificate')} – {certificate.details['course']}"
        for layout in LAYOUTS:
            buffer = io.BytesIO()
            document = a4_document(buffer, title, certificate.details["organisation"])
            document.topMargin = document.bottomMargin = 1.6 * cm
            document.build(_story(certificate, holder_name, verify_url, document.width, layout))
            if document.page == 1:
                break
        return buffer.getvalue()
