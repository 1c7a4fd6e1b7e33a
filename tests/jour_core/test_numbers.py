"""Numbers as a person reads them (jour_core/numbers.py): the function, the template filter, and
the places that show hours and shares — the clearance reason, the report's narrative, HTML and
PDF, and a course page."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from certifications.clearance import Reason
from certifications.describe import describe
from certifications.report.figures import _basic_share
from jour_core.numbers import number, percent

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (2.5, "2,5"),
        (6.0, "6"),
        (Decimal("6.00"), "6"),
        (Decimal("2.50"), "2,5"),
        (Decimal("0.75"), "0,75"),
        (2.345, "2,35"),  # two decimals at most, halves up
        (Decimal("2.005"), "2,01"),
        (1250.75, "1250,75"),  # four digits together (a year is never split)
        (Decimal("1250.00"), "1250"),
        (2026, "2026"),
        (12500, f"12{NBSP}500"),
        (Decimal("1234567.5"), f"1{NBSP}234{NBSP}567,5"),
        (-2.5, "-2,5"),
        (None, ""),
        ("", ""),
        ("<5", "<5"),
        ("x", "x"),
    ],
)
def test_a_number_as_a_swede_reads_it(value, text):
    assert number(value) == text


def test_a_share_has_a_non_breaking_space_before_the_sign():
    assert percent(68) == f"68{NBSP}%"
    assert percent(Decimal("62.50")) == f"62,5{NBSP}%"
    assert number(0, percent=True) == f"0{NBSP}%"
    assert percent(None) == ""


def test_a_boolean_is_not_a_number():
    assert number(True) == "True"  # shown as text, for the English-words walk to catch


def test_the_template_filter_is_the_function():
    template = Template(
        '{% load numbers %}{{ a|number }} timmar, {{ b|number:"%" }}, {{ c|number|default:"–" }}'
    )
    assert template.render(Context({"a": Decimal("2.50"), "b": 68, "c": None})) == f"2,5 timmar, 68{NBSP}%, –"


def test_the_clearance_reason_writes_whole_hours_whole():
    reason = Reason(code="hours", have=Decimal("0.00"), need=Decimal("6.00"))
    assert describe(reason, 12).startswith("0 av 6 timmar")
    reason = Reason(code="hours", have=Decimal("2.50"), need=Decimal("6.00"))
    assert describe(reason, 12).startswith("2,5 av 6 timmar")


def test_the_narrative_writes_a_share_with_a_space_before_the_sign():
    report = {"people": {"shift_workers": 25, "board_only": 0}, "basic_holders": 17, "as_of": "2026-12-31"}
    assert _basic_share(report).startswith(f"68{NBSP}% ")
