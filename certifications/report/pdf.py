"""The competence report as a print-ready PDF (reportlab): the narrative, every section's table,
the charts and a line for the board's approval, with a footer on every page.

- Tables fit the page width: each column is as wide as its content asks (:func:`column_widths`,
  measured with ``stringWidth``), never narrower than its longest word, so cells wrap only
  between words and a date or a number is never split.
- A table's header row repeats on every page it runs onto; a heading keeps with its table's
  first rows (:func:`section`).
- Numbers are written as Django's localisation writes them for the active language (the HTML's
  "2,5" in Swedish); the JSON keeps them as numbers.
- The footer ("Sida 2 av 5", the organisation, the period, the version and the day the file was
  made) is drawn by a two-pass canvas (:class:`FooterCanvas`), once the page count is known.
- ``invariant=True``: the same report made on the same day gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jour_core.numbers import number
from people.models import Organisation

from .charts import CHARTS, report_chart
from .figures import WITHHELD_NOTE, report_period
from .files import report_tables

#: A cell's padding left and right (reportlab's default for tables).
CELL_PADDING = 6
#: The font sizes a table tries, largest first, until its longest words fit the page.
TABLE_FONT_SIZES = (9, 8, 7)
#: A table of at most this many rows is kept whole with its heading; a longer one keeps
#: ``KEPT_ROWS`` with it and runs on over the pages, its header row repeated.
WHOLE_TABLE_ROWS = 6
KEPT_ROWS = 3
#: Cells that count as numbers for alignment: suppressed counts ("<5"), hidden figures ("x")
#: and empty cells too.
NUMBER_LIKE = re.compile(r"^(<\d+|x)?$")
HEADER_BACKGROUND = colors.HexColor("#f1ebf7")
GRID = colors.HexColor("#bbbbbb")
FOOTER_GREY = colors.HexColor("#4f4b57")


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def pdf_text(value) -> str:
    """A cell as the PDF writes it: numbers localised as the HTML writes them (decimal comma in
    Swedish), everything else as text."""
    return number(value) if is_number(value) else str(value)


def numeric_column(rows: list[list], index: int) -> bool:
    """Whether a column holds numbers only, some of them withheld ("<5", "x") or empty (but not
    all empty): right-aligned, a withheld figure where its number would be."""
    cells = [row[index] for row in rows if index < len(row)]
    return any(str(c) for c in cells) and all(is_number(c) or NUMBER_LIKE.match(str(c)) for c in cells)


@dataclass(frozen=True)
class CellFonts:
    """The fonts of a table's cells at one size: what :func:`column_widths` measures with and
    what the table's paragraphs are written in."""

    size: float
    body: str = "Helvetica"
    header: str = "Helvetica-Bold"

    def width(self, text: str, bold: bool = False) -> float:
        return stringWidth(text, self.header if bold else self.body, self.size)

    def longest_word(self, text: str, bold: bool = False) -> float:
        return max((self.width(word, bold) for word in text.split()), default=0.0)


def column_widths(
    headers: list[str],
    rows: list[list[str]],
    available: float,
    fonts: CellFonts,
    stretch: list[bool] | None = None,
) -> list[float]:
    """Widths for a table's columns that add up to ``available`` and are each at least as wide as
    the column's longest word (header words in bold), so no word, date or number is split.

    Each column asks for its widest cell on one line. When all fit, each gets what it asks and
    the rest of the line goes to the columns marked in ``stretch`` (the text columns; all when
    none is), in proportion to what they ask. When not, each gets its least and the room left
    is shared in proportion to how much more each asks for (as a browser lays out a table).
    Raises ValueError when the longest words alone are wider than ``available``."""
    least, asked = [], []
    for index, header in enumerate(headers):
        cells = [row[index] for row in rows if index < len(row)]
        least.append(
            max([fonts.longest_word(header, bold=True), *(fonts.longest_word(c) for c in cells)])
            + 2 * CELL_PADDING
        )
        asked.append(
            max([fonts.width(header, bold=True), *(fonts.width(c) for c in cells)]) + 2 * CELL_PADDING
        )
    if sum(least) > available:
        raise ValueError("the table's longest words are wider than the page")
    if sum(asked) <= available:
        takers = stretch if stretch and any(stretch) else [True] * len(asked)
        share = sum(a for a, takes in zip(asked, takers, strict=True) if takes)
        spare = available - sum(asked)
        return [a + (spare * a / share if takes else 0) for a, takes in zip(asked, takers, strict=True)]
    wanted = [a - m for a, m in zip(asked, least, strict=True)]
    room = available - sum(least)
    return [m + room * w / sum(wanted) for m, w in zip(least, wanted, strict=True)]


def _cell_styles(size: float, split_words: bool) -> dict[str, ParagraphStyle]:
    common = {
        "fontSize": size,
        "leading": size * 1.25,
        "splitLongWords": int(split_words),
        "embeddedHyphenation": 0,
    }
    body = ParagraphStyle("cell", fontName="Helvetica", **common)
    header = ParagraphStyle("header", fontName="Helvetica-Bold", **common)
    return {
        "body": body,
        "header": header,
        "body-number": ParagraphStyle("cell-number", parent=body, alignment=TA_RIGHT),
        "header-number": ParagraphStyle("header-number", parent=header, alignment=TA_RIGHT),
    }


def _laid_out(headers: list[str], rows: list[list[str]], available: float, stretch: list[bool]):
    """The first font size at which the table's words fit, its column widths and its cell
    styles; at the smallest size, long words are split rather than run off the page."""
    for size in TABLE_FONT_SIZES:
        fonts = CellFonts(size)
        try:
            widths = column_widths(headers, rows, available, fonts, stretch)
            return widths, _cell_styles(size, split_words=False)
        except ValueError:
            continue
    widths = [available / len(headers)] * len(headers)
    return widths, _cell_styles(TABLE_FONT_SIZES[-1], split_words=True)


def report_table(headers: list, rows: list[list], available: float) -> Table:
    """One section's table: every cell a paragraph in columns fitted to the page, numbers
    right-aligned, the header row repeated on each page the table runs onto."""
    headers = [str(h) for h in headers]
    texts = [[pdf_text(cell) for cell in row] for row in rows]
    numeric = [numeric_column(rows, index) for index in range(len(headers))]
    widths, styles = _laid_out(headers, texts, available, stretch=[not n for n in numeric])
    data = [
        [
            Paragraph(escape(h), styles["header-number" if numeric[i] else "header"])
            for i, h in enumerate(headers)
        ]
    ]
    data += [
        [
            Paragraph(escape(cell), styles["body-number" if numeric[i] else "body"])
            for i, cell in enumerate(row)
        ]
        for row in texts
    ]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if not rows:
        data.append([Paragraph("–", styles["body"])] + [""] * (len(headers) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


class KeepWithFirstRows(KeepTogether):
    """A heading and a long table: they go on where at least ``least`` points are left (the
    heading, the header row and the first rows), the table running on over the pages; with less
    room, to the next page. (reportlab's ``maxHeight`` means otherwise: a frame break only when
    *more* than it is left.)"""

    def __init__(self, flowables, least: float):
        super().__init__(flowables)
        self._least = least

    def split(self, aW, aH):
        if aH >= self._least:
            return self._content[:]
        return super().split(aW, aH)


def section(heading: Paragraph, headers: list, rows: list[list], available: float) -> KeepTogether:
    """A heading and its table, kept together: a short table goes whole to the next page when it
    does not fit; a long one starts where its header row and first ``KEPT_ROWS`` rows fit under
    the heading, and runs on over the pages. (Not ``keepWithNext`` on the heading: reportlab would
    keep the heading with the whole table and send every long table to a new page.)"""
    table = report_table(headers, rows, available)
    if len(rows) <= WHOLE_TABLE_ROWS:
        return KeepTogether([heading, table])
    _w, heading_height = heading.wrap(available, A4[1])
    table.wrap(available, A4[1])
    first_rows = sum(table._rowHeights[: 1 + KEPT_ROWS])  # the header row and the rows kept
    least = heading_height + heading.getSpaceBefore() + heading.getSpaceAfter() + first_rows
    return KeepWithFirstRows([heading, table], least)


def approval(styles, available: float) -> KeepTogether:
    """The board's approval at the end: date, place and signature, each on a line of its own to
    write on, its label under it."""
    gap = 0.6 * cm
    labels = [_("Date"), "", _("Place"), "", _("Signature")]
    line = (available - 2 * gap) / 7
    lines = Table(
        [[""] * 5, [Paragraph(escape(label), styles["Normal"]) if label else "" for label in labels]],
        colWidths=[line * 1.5, gap, line * 2, gap, line * 3.5],
        rowHeights=[1.4 * cm, None],
    )
    lines.setStyle(
        TableStyle(
            [
                *(("LINEBELOW", (c, 0), (c, 0), 0.8, colors.black) for c in (0, 2, 4)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    heading = Paragraph(escape(_("The board's approval: date, place, signature")), styles["Heading2"])
    return KeepTogether([Spacer(1, 0.6 * cm), heading, lines])


class FooterCanvas(Canvas):
    """A canvas that holds back its pages until the document is done, then draws on each the
    footer: ``lines`` on the left, "Page X of Y" on the right."""

    def __init__(self, *args, lines: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._footer_lines = lines
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for page_number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(page_number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int):
        width, _height = self._pagesize
        self.saveState()
        self.setFont("Helvetica", 8)
        self.setFillColor(FOOTER_GREY)
        self.setStrokeColor(GRID)
        self.setLineWidth(0.5)
        self.line(2 * cm, 1.55 * cm, width - 2 * cm, 1.55 * cm)
        for offset, text in enumerate(self._footer_lines):
            self.drawString(2 * cm, 1.2 * cm - offset * 10, text)
        self.drawRightString(
            width - 2 * cm, 1.2 * cm, _("Page %(page)s of %(pages)s") % {"page": number, "pages": total}
        )
        self.restoreState()


def footer_lines(
    organisation: Organisation, start: datetime.date, end: datetime.date, external: bool
) -> tuple[str, ...]:
    """The footer's left side: the organisation and the period, the version and the day the file
    was made."""
    version = _("External version") if external else _("Internal version")
    made = _("Generated %(date)s") % {"date": timezone.localdate().isoformat()}
    return (f"{organisation.name} · {start} – {end}", f"{version} · {made}")


def a4_document(buffer: io.BytesIO, title: str, author: str) -> SimpleDocTemplate:
    """An A4 document with the report's margins (room for the footer), the same bytes for the
    same content on the same day (``invariant``)."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        bottomMargin=2.2 * cm,
        invariant=True,
    )


def report_pdf(report: dict, organisation: Organisation, external: bool) -> bytes:
    """A print-ready PDF: narrative, every section's table, the charts and the board's approval."""
    start, end = report_period(report)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = _("Competence report – %(org)s") % {"org": organisation.name}
    document = a4_document(buffer, title, organisation.name)
    period = f"{start} – {end}"
    if report.get("as_of"):  # a report frozen before figures were as of a date has none
        period += " · " + _("Figures as of %(date)s") % {"date": report["as_of"]}
    story = [Paragraph(escape(title), styles["Title"]), Paragraph(escape(period), styles["Normal"])]
    if external:
        story.append(Paragraph(escape(str(WITHHELD_NOTE)), styles["Italic"]))
    story += [Spacer(1, 0.4 * cm), Paragraph(escape(report["narrative"]), styles["BodyText"])]
    for heading, headers, rows in report_tables(report, external):
        if heading == _("Narrative"):
            continue
        story += [
            Spacer(1, 0.4 * cm),
            section(Paragraph(escape(str(heading)), styles["Heading2"]), headers, rows, document.width),
        ]
    for png in (report_chart(report, organisation, which, external) for which in CHARTS):
        story += [Spacer(1, 0.5 * cm), Image(io.BytesIO(png), width=16 * cm, height=7 * cm)]
    story.append(approval(styles, document.width))
    canvas = partial(FooterCanvas, lines=footer_lines(organisation, start, end, external))
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()
