"""The plugins' pages in another site's base.html (jour_core/static/jour_core/pages.css): a host
that wraps its content in a container of its own (tests/browser/hosts/wrapping/base.html, as
Bootstrap sites do) and a bare one that puts the content block straight in <body>
(tests/browser/hosts/bare/base.html). At phone and desktop width the course page and a lesson
are laid out: nothing wider than the window, the text neither at the window's edge nor padded
twice, inside the host's column, and axe-clean."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.browser.conftest import login, screenshot, serious_violations

HOSTS = Path(__file__).resolve().parent / "hosts"
COURSE = "/utbildningar/studiecirkel/"
LESSON = "/utbildningar/studiecirkel/traff-1/"
GUTTER = 16  # --jour-gutter: 1rem

MEASURE = """() => {
    const page = document.querySelector('.jour-page');
    const style = getComputedStyle(page);
    const box = page.getBoundingClientRect();
    const heading = page.querySelector('h1').getBoundingClientRect();
    const column = document.querySelector('#host-column');
    let inside = null;
    if (column) {
        const c = column.getBoundingClientRect(), cs = getComputedStyle(column);
        inside = [c.left + parseFloat(cs.paddingLeft), c.right - parseFloat(cs.paddingRight)];
    }
    return {
        scrollWidth: document.scrollingElement.scrollWidth,
        innerWidth: window.innerWidth,
        left: box.left, right: box.right,
        paddingLeft: parseFloat(style.paddingLeft),
        headingLeft: heading.left, headingRight: heading.right,
        column: inside,
        widest: Math.max(...[...page.querySelectorAll('*')].map(e => e.getBoundingClientRect().right)),
    };
}"""


def host_templates(host: str) -> list[dict]:
    """The site's template settings with the host's base.html in front of this site's."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [HOSTS / host, *templates[0]["DIRS"]]
    return templates


@pytest.mark.parametrize("host", ["wrapping", "bare"])
def test_course_and_lesson_pages_in_a_host(page, host):
    with override_settings(TEMPLATES=host_templates(host)):
        login(page, "volontar1@example.org")  # lessons are for participants
        for path, name in ((COURSE, "course"), (LESSON, "lesson")):
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path)
                page.wait_for_load_state()
                if host == "wrapping":
                    assert page.locator("header.host-header").is_visible()
                got = page.evaluate(MEASURE)
                where = f"{host} {name} {width}: {got}"
                # Nothing wider than the window; the text is not at its edge.
                assert got["scrollWidth"] <= got["innerWidth"], where
                assert got["widest"] <= got["innerWidth"], where
                assert got["headingLeft"] >= GUTTER - 4, where
                assert got["headingRight"] <= got["innerWidth"] - (GUTTER - 4), where
                assert got["right"] - got["left"] <= 46 * 16 + 1, where  # the column's measure
                if host == "wrapping":
                    left, right = got["column"]
                    # Inside the host's column, adding only the padding it lacks (never twice).
                    assert left - 1 <= got["left"] and got["right"] <= right + 1, where
                    assert got["paddingLeft"] <= max(0, GUTTER - left) + 1, where
                assert serious_violations(page) == [], where
                screenshot(page, f"host-{host}-{name}-{width}")
