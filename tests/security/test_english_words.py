"""No English on any page, in Swedish, for any role: every URL of ``test_url_access.py``'s walk
(ours and Wagtail's) that answers a role with an HTML page, plus the site's pages (the home page,
a course and its lesson), opened as anonymous, a volunteer, a coordinator, a board member and the
umbrella administrator, with Swedish asked for. The page's visible text (no tags, attributes,
scripts or styles) must hold none of ``NEVER`` as a whole word: an English text not passed
through gettext, a raw choice value, a boolean or ``None`` shown as Python writes them.

``WAGTAIL_UNTRANSLATABLE`` lists, per page, the English that Wagtail makes without a catalogue
(labels derived from a field's name), so no translation can reach it. Wagtail's strings that its
Swedish catalogue lacks are translated in the host's catalogue (locale/, lms/wagtail_messages.py).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.auth import sign_in
from tests.security.test_url_access import (  # noqa: F401 (world is a fixture)
    EXPECTED,
    OK,
    PAGE_ROUTES,
    World,
    build_path,
    project_values,
    request,
    split_routes,
    wagtail_values,
    world,
)

#: Words and phrases that are never Swedish on a page of ours, matched whole and case-sensitive:
#: Python's values, raw choice values, Wagtail's and Django's English, words of our own screens.
#: (Not "Status", "Import", "Export", "Filter", "Person", "Per", "Kalender" and the like: Swedish
#: too. Not "English" on the language switch: an element in another ``lang`` is left out.)
NEVER = (
    # Python and raw values
    "True",
    "False",
    "None",
    "null",
    "course_completion",
    "attestation",
    "other_run",
    "catch_up",
    "withdrawn",
    "enrolled",
    "scheduled",
    "cancelled",
    "present",
    "absent",
    "excused",
    "volunteer",
    "staff",
    "board",
    "first_name",
    "protected_identity",
    # Wagtail's and Django's screens
    "Actions",
    "Edit account avatar",
    "Side panel width",
    "Date updated",
    "Exploring",
    "Compare",
    "Saved",
    "Autosave is paused",
    "To be created by",
    "There are no",
    "to display",
    "One or more references",
    "Maximum filesize",
    "Site name",
    "Root page",
    "Any",
    "Can add",
    "Can change",
    "Can delete",
    "Welcome",
    "Coordinators",
    "Moderators",
    "Editors",
    "Board",
    # everyday English of a user interface
    "Choose",
    "Save",
    "Delete",
    "Cancel",
    "Search",
    "Yes",
    "No",
    "Edit",
    "Add",
    "View",
    "Close",
    "Back",
    "Next",
    "Previous",
    "Settings",
    "Reports",
    "Help",
    "Dashboard",
    "Users",
    "Groups",
    "Pages",
    "Images",
    "Documents",
    "Download",
    "Upload",
    "Submit",
    "Sign in",
    "Log in",
    "Log out",
    "Sign out",
    "Loading",
    "Showing",
    "results",
    "Select",
    "Remove",
    "Clear",
    "Apply",
    "Sort",
    "Title",
    "Name",
    "Date",
    "Hours",
    "Unit",
    "Session",
    "Course",
    "Run",
    "Page",
    "of",
    "and",
    "the",
)

#: Wagtail's own strings missing from Wagtail's Swedish catalogue: translated by the terms branch
#: (in the host's catalogue, locale/sv/). Regular expressions over the visible text.
#: (page name prefix, phrase): Wagtail's labels made from a field's name, never through gettext.
WAGTAIL_UNTRANSLATABLE = (
    # The sites listing: Column("site_name") and Column("root_page") without a label.
    ("wagtailsites:", r"Site name|Root page"),
    # The page field of a workflow's and a group's page formsets: Django's pretty_name("page").
    ("wagtailadmin_workflows:", r"\bPage\b"),
    ("wagtailusers_groups:", r"\bPage\b"),
    # Page search's page-type filter: a content type without a model (Wagtail's own rows).
    ("wagtailadmin_pages:search", r"\bNone\b"),
)

#: Not a catalogue's: rows of the database in English, kept out here and noted for the lead.
#: Wagtail's first migrations' site, pages, groups and workflow; our admin roles' groups
#: (``people/permissions.py`` ``COORDINATORS_GROUP``, ``BOARD_GROUP``, as their names are keys);
#: Django's permission names ("Can add group") on Wagtail's group screens.
DATABASE_ENGLISH = (
    ("", r"Welcome to your new Wagtail site!"),
    ("wagtailadmin_pages:", r"Moderators approval"),
    ("wagtailusers_", r"\b(Moderators|Editors|Coordinators|Board)\b(: jour-[ab])?"),
    ("wagtailadmin_workflows:", r"Moderators approval|Moderators"),
    ("wagtailadmin_reports:workflow", r"Moderators approval|Moderators"),
    ("wagtailusers_groups:", r"Can (add|change|delete) [a-z ]+|Delete pages with children"),
    # Not the database's: Wagtail writes Python's None for a page published by no one (a script).
    ("wagtailadmin_reports:aging_pages", r"\bNone\b"),
)


ROLES = ("anonymous", "volunteer", "coordinator", "board", "superuser")
SKIPPED_TAGS = {"script", "style", "template", "noscript", "svg", "head"}
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles, nothing ``hidden``, and
    nothing in another language on purpose (``lang="en"``: the language switch's "English")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # each open element, and whether it hides its text

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        attributes = dict(attrs)
        hides = (
            tag in SKIPPED_TAGS
            or "hidden" in attributes
            or not (attributes.get("lang") or "sv").lower().startswith("sv")
        )
        self._open.append((tag, hides))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        if not any(hides for _tag, hides in self._open):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(word) for word in NEVER) + r")(?![\w-])")


def english_in(text: str, page: str = "") -> list[str]:
    """The words of ``NEVER`` in ``text`` (of the page named ``page``), but for the allowed
    phrases."""
    allowed = [
        *(
            phrase
            for prefix, phrase in (*WAGTAIL_UNTRANSLATABLE, *DATABASE_ENGLISH)
            if page.startswith(prefix)
        ),
    ]
    text = re.sub("|".join(f"(?:{phrase})" for phrase in allowed), " ", text)
    return sorted(set(PATTERN.findall(text)))


def swedish_client(place: World, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    user = place.users[role]
    if user is not None:
        sign_in(client, user)
    return client


def pages_of(place: World, role: str) -> list[tuple[str, str]]:
    """(name, path) of every URL the walk opens for ``role``, ours and Wagtail's, and the site's
    pages."""
    ours, theirs = split_routes()
    paths = [
        (route.key, build_path(route, project_values(route, place)))
        for route in ours
        if EXPECTED.get(route.key, {}).get(role) == OK
    ]
    for route in theirs:
        for page in [place.course, place.lesson] if route.key in PAGE_ROUTES else [None]:
            path = build_path(route, wagtail_values(route, place, page))
            if path is not None:
                paths.append((route.key, path))
    paths += [("home page", "/"), ("course page", place.course.url), ("lesson page", place.lesson.url)]
    return [(name, path) for name, path in paths if path]


def english_on_pages(place: World, role: str) -> dict[str, list[str]]:
    client = swedish_client(place, role)
    found = {}
    for name, path in pages_of(place, role):
        if "error_test" in name or "logout" in name:
            continue
        got, response = request(client, "get", path)
        if got != OK or response is None or getattr(response, "streaming", False):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.get("Content-Disposition", "").startswith("attachment"):
            continue
        words = english_in(visible_text(response.content.decode("utf-8", errors="replace")), name)
        if words:
            found[f"{name} {path}"] = words
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_english_on_any_page_as(role, world):  # noqa: F811
    found = english_on_pages(world, role)
    assert not found, "\n".join(f"{page}: {words}" for page, words in sorted(found.items()))


def test_visible_text_leaves_out_tags_attributes_and_scripts():
    html = (
        '<p title="Save">Spara <b>nu</b><br></p><script>var None = True;</script><style>.No{}</style>'
        '<div hidden><span>None</span></div><button lang="en">English</button><p>Klart</p>'
    )
    assert visible_text(html) == "Spara nu Klart"
    assert english_in(visible_text("<p>Visa: True</p>")) == ["True"]
    assert english_in("Avbryt Cancel-knappen") == []  # part of a longer word: not a whole word
    assert english_in("Webbplatsnamn Site name", "wagtailsites:index") == []  # Wagtail's, untranslatable
    assert english_in("Site name", "people_person:index") == ["Site name"]  # on our own pages: a leak
