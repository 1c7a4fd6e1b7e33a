"""The report's HTML and PDF write hours as jour_core/numbers.py does: "2,5", and "6" for 6.00."""

import datetime

import pytest
from django.utils import translation

from certifications.report import competence_report
from certifications.report.files import report_html, report_pdf
from tests.certifications.conftest import train
from tests.certifications.test_report_pdf import needs_poppler, pdf_pages, whole
from tests.factories import PersonFactory


@pytest.fixture
def report(org_a, catalogue):
    people = PersonFactory.create_batch(3, organisation=org_a)
    train(org_a, people, "2026-05-10", "2.5", title="Hedersrelaterat våld", provider="Origo")
    train(org_a, people[:1], "2026-06-10", "6.00", title="Barnkonferens", provider="Roks")
    return competence_report(org_a, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_the_report_html_and_pdf_write_decimal_commas_and_whole_hours(org_a, report, tmp_path):
    translation.activate("sv")
    html = report_html(report, "Kvinnojouren A", external=False)
    assert "<td>2,5</td>" in html and "<td>6</td>" in html
    assert "2.5" not in html and "6,0" not in html
    needs_poppler()
    text = "\n".join(pdf_pages(report_pdf(report, org_a, external=False), tmp_path))
    assert whole("2,5", text) >= 1 and whole("6", text) >= 1
    assert "2.5" not in text and "6,0" not in text
