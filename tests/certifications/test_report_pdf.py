"""The competence report's PDF read back as a reader reads it (``pdftotext -layout``): whole words
in every table, decimal commas, the header row on every page a table runs onto, no heading left
at the foot of a page, "Sida X av Y" and the footer on every page, the board's approval line.
The pages are also rendered as PNG into test-artifacts/report-pdf/ to be looked at."""

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from certifications.report import competence_report, report_tables
from certifications.report.files import report_pdf
from certifications.report.pdf import CELL_PADDING, CellFonts, column_widths, pdf_text
from tests.certifications.conftest import train
from tests.factories import PersonFactory

D = datetime.date
START, END = D(2026, 1, 1), D(2026, 12, 31)
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report-pdf"

#: Continuing education as an association lists it (DOMAIN.md): long Swedish titles and providers.
COURSES = [
    ("Ett starkare barnrättsperspektiv", "Länsstyrelsen"),
    ("Deltagarstyrd kursplanering", "ABF Stockholm"),
    ("Hur tas brottsoffer om hand?", "Brottsoffermyndigheten"),
    ("Myndigheters arbete med brottsoffer", "Brottsoffermyndigheten"),
    ("Barnkonferens", "Rädda Barnen"),
    ("Intersektionalitet och våld", "Länsstyrelsen"),
    ("Om barns utsatthet", "Säkra varje unge"),
    ("Maskulinitetsnormer", "Machofabriken"),
    ("Mänskliga rättigheter", "Roks"),
    ("Kvalitet i skyddat boende", "Länsstyrelsen"),
    ("Utvecklande ledarskap (UL, fyra dagar)", "Spira Fusion"),
    ("Studiebesök på en annan jour", "Kvinnojouren Exempelstad"),
]
HOURS = ["3", "6", "1.5", "8", "4", "16"]


def needs_poppler():
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("poppler-utils are required in CI (apt-get install poppler-utils)")
        pytest.skip("poppler-utils are not installed")


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The PDF's pages as ``pdftotext -layout`` reads them."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]  # every page ends with a form feed


def render_pngs(pdf: bytes, name: str) -> list[Path]:
    """The pages as PNG (60 dpi) in test-artifacts/report-pdf/, to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTEFACTS.glob(f"{name}-*.png"):
        old.unlink()
    (ARTEFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(ARTEFACTS / f"{name}.pdf"), str(ARTEFACTS / name)], check=True
    )
    return sorted(ARTEFACTS.glob(f"{name}-*.png"))


def whole(word: str, text: str) -> int:
    """How many times ``word`` stands whole in ``text`` (not inside another word)."""
    return len(re.findall(rf"(?<![\w.,-]){re.escape(word)}(?![\w.,-])", text))


@pytest.fixture
def long_report(org_a, catalogue):
    """Nine people in three groups, 40 courses over the year (a table over more than a page),
    one of them 2.5 hours long."""
    volunteers = PersonFactory.create_batch(6, organisation=org_a)
    staff = PersonFactory.create_batch(2, organisation=org_a, group_volunteer=False, group_staff=True)
    board = PersonFactory(organisation=org_a, group_volunteer=False, group_board=True)
    train(
        org_a, [*volunteers[:3], *staff], "2026-05-10", "2.5", title="Hedersrelaterat våld", provider="Origo"
    )
    for i in range(40):
        title, provider = COURSES[i % len(COURSES)]
        people = [*volunteers[i % 6 : i % 6 + 3], *staff[: i % 3], *([board] if i % 4 == 0 else [])]
        day = (START + datetime.timedelta(days=7 * i + 3)).isoformat()
        train(
            org_a,
            people,
            day,
            HOURS[i % len(HOURS)],
            title=f"{title} {i // len(COURSES) + 1}",
            provider=provider,
        )
    return competence_report(org_a, START, END)


def test_tables_have_whole_words_dates_and_decimal_commas(org_a, long_report, tmp_path):
    needs_poppler()
    pdf = report_pdf(long_report, org_a, external=False)
    pages = pdf_pages(pdf, tmp_path)
    text = "\n".join(pages)
    tables = [(title, headers, rows) for title, headers, rows in report_tables(long_report) if rows]
    # Every header word whole, as many times as the headers hold it (a broken "Timma r" is one short).
    expected: dict[str, int] = {}
    for _title, headers, _rows in tables[:-1]:  # the narrative is not a table in the PDF
        for word in " ".join(str(h) for h in headers).split():
            expected[word] = expected.get(word, 0) + 1
    assert {"Volontär", "Anställd", "Timmar", "Datum", "Utbildningsanordnare", "Slutförde"} <= set(expected)
    for word, count in expected.items():
        assert whole(word, text) >= count, word
    # Every date and every course title's words whole.
    for item in long_report["continuing_education"]:
        assert whole(item["date"], text) >= 1, item["date"]
        for word in f"{item['title']} {item['provider']}".split():
            assert whole(word, text) >= 1, word
    # Decimal commas, as the HTML writes them; the JSON keeps numbers.
    assert whole("2,5", text) >= 1 and whole("1,5", text) >= 1
    assert "2.5" not in text and "1.5" not in text
    assert 2.5 in [item["hours"] for item in long_report["continuing_education"]]


def test_every_page_has_its_footer_and_the_last_the_approval_line(org_a, long_report, tmp_path):
    needs_poppler()
    pages = pdf_pages(report_pdf(long_report, org_a, external=True), tmp_path)
    total = len(pages)
    assert total >= 3
    assert f"Sida 1 av {total}" in pages[0]
    assert f"Sida {total} av {total}" in pages[-1]
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {total}" in page
        assert "Kvinnojouren A · 2026-01-01 – 2026-12-31" in page
        assert "Extern version · Skapad 2026-11-25" in page  # the frozen clock's today
    assert "Styrelsens godkännande: datum, ort, underskrift" in pages[-1]
    last = pages[-1].split("Styrelsens godkännande")[1]
    assert all(whole(label, last) for label in ("Datum", "Ort", "Underskrift"))


def test_headings_keep_with_their_tables_and_header_rows_repeat(org_a, long_report, tmp_path):
    needs_poppler()
    pdf = report_pdf(long_report, org_a, external=False)
    pages = pdf_pages(pdf, tmp_path)
    assert headings_above_their_header_rows(pages, long_report) == []
    # The continuing education runs over more than a page: its header row opens each page after.
    first_course, last_course = (long_report["continuing_education"][i]["date"] for i in (0, -1))
    on = [n for n, p in enumerate(pages) if first_course in p or last_course in p]
    spans = range(on[0], on[-1] + 1)
    assert len(spans) >= 2
    for n in spans[1:]:
        header_line = next(line for line in pages[n].splitlines() if line.strip())
        assert all(
            word in header_line for word in ("Datum", "Titel", "Utbildningsanordnare", "Timmar", "Volontär")
        ), pages[n]
    # The pages, to be looked at.
    pngs = render_pngs(pdf, "long-report")
    assert len(pngs) == len(pages) and all(png.stat().st_size > 3000 for png in pngs)


def headings_above_their_header_rows(pages: list[str], report: dict) -> list[str]:
    """The sections whose heading is not followed, on its page, by its table's header row."""
    stranded = []
    for title, headers, _rows in report_tables(report)[:-1]:
        (page,) = [p for p in pages if re.search(rf"^\s*{re.escape(str(title))}\s*$", p, re.MULTILINE)]
        below = page.split(str(title), 1)[1]
        if not all(whole(word, below) for word in " ".join(str(h) for h in headers).split()):
            stranded.append(str(title))
    return stranded


def test_no_heading_is_left_at_the_foot_of_a_page(org_a, long_report, tmp_path, monkeypatch):
    """The narrative grows a line at a time, moving every heading down the page past its foot:
    each heading stays with its table's header row and first rows, wherever the page ends."""
    needs_poppler()
    monkeypatch.setattr("certifications.report.pdf.CHARTS", ())  # the charts come after the tables
    sentence = "Föreningen följer upp sin kvalitet varje år enligt Roks kvalitetsmodell. "
    for lines in range(0, 48, 3):
        report = {**long_report, "narrative": long_report["narrative"] + sentence * lines}
        pages = pdf_pages(report_pdf(report, org_a, external=False), tmp_path)
        assert headings_above_their_header_rows(pages, report) == [], lines


def test_the_same_report_gives_the_same_bytes(org_a, long_report):
    assert report_pdf(long_report, org_a, external=False) == report_pdf(long_report, org_a, external=False)


def test_columns_fit_the_page_and_their_longest_words():
    fonts = CellFonts(9)
    headers = ["Datum", "Titel", "Anordnare", "Timmar", "Volontärer", "Personal", "Styrelse"]
    rows = [
        [
            "2026-05-10",
            "Ett starkare barnrättsperspektiv i jourens arbete",
            "Länsstyrelsen",
            "2,5",
            "3",
            "<5",
            "0",
        ]
    ]
    widths = column_widths(headers, rows, 480, fonts)
    assert sum(widths) == pytest.approx(480)
    for index, width in enumerate(widths):
        header = max(stringWidth(w, "Helvetica-Bold", 9) for w in headers[index].split())
        body = max(stringWidth(w, "Helvetica", 9) for w in rows[0][index].split())
        assert width >= max(header, body) + 2 * CELL_PADDING
    assert widths[1] == max(widths)  # the title is the widest column, the numbers narrow
    assert widths[3] < widths[1] / 2
    with pytest.raises(ValueError):
        column_widths(headers, rows, 200, fonts)


def test_numbers_are_written_as_the_html_writes_them():
    assert pdf_text(2.5) == "2,5"
    assert pdf_text(6) == "6"
    assert pdf_text("<5") == "<5"
    assert pdf_text("2026-05-10") == "2026-05-10"
