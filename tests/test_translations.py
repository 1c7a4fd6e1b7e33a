"""Every UI string has a Swedish translation, and the committed .mo files match the .po files."""

import ast
import gettext
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
#: The repository's catalogues; not copies in a virtual environment (``.venv``, ``.venv312``:
#: any hidden directory) or in a wheel build.
SKIPPED_DIRS = {"build", "dist"}
PO_FILES = sorted(
    p
    for p in ROOT.glob("**/locale/sv/LC_MESSAGES/django.po")
    if not any(part in SKIPPED_DIRS or part.startswith(".") for part in p.relative_to(ROOT).parts)
)
ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)


def unquote(block: str) -> str:
    return "".join(ast.literal_eval(line.strip()) for line in block.strip().splitlines())


def entries(po: Path):
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1], f"{po} has fuzzy entries"
    for match in ENTRY.finditer(text):
        context = unquote(match.group(1)) if match.group(1) else None
        msgid = unquote(match.group(2))
        if msgid:
            msgstrs = [
                unquote(part) for part in re.split(r"msgstr(?:\[\d\])? ", match.group(3)) if part.strip()
            ]
            yield context, msgid, msgstrs


def test_there_are_catalogues_for_every_app():
    apps = {p.relative_to(ROOT).parts[0] for p in PO_FILES}
    assert {"people", "courses", "certifications", "quality", "home", "locale"} <= apps


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_compiled(po):
    with open(po.with_suffix(".mo"), "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    found = list(entries(po))
    assert found
    for context, msgid, msgstrs in found:
        assert all(msgstrs), f"untranslated in {po.name}: {msgid!r}"
        compiled = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert compiled == msgstrs[0], f"{po} is not compiled: run make messages ({msgid!r})"


def test_swedish_is_active_by_default():
    with translation.override("sv"):
        assert translation.gettext("Want to become a volunteer?") == "Vill du bli jourkvinna?"
        assert translation.gettext("Import people") == "Importera personer"


# -- One meaning, one Swedish text -------------------------------------------------------------
#: Django merges the catalogues of all apps: the first in INSTALLED_APPS wins for the same msgid
#: and context, so the same English with two meanings needs a context (pgettext), and the same
#: English with one meaning needs the same Swedish everywhere.


def catalogue_entries(po: Path):
    """Every entry of a catalogue as (context, msgid, msgid_plural, msgstrs, fuzzy)."""
    text = po.read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]
    for block in body.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                fields[current] += ast.literal_eval(line)
                continue
            current, _space, value = line.partition(" ")
            fields[current] = ast.literal_eval(value)
        if fields.get("msgid"):
            msgstrs = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
            yield fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), msgstrs, fuzzy


def test_catalogue_reader_sees_plurals_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgctxt "a unit"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "ett"\nmsgstr[1] ""\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr "Lång text"\n',
        encoding="utf-8",
    )
    assert list(catalogue_entries(po)) == [
        ("a unit", "one", "many", ["ett", ""], True),
        (None, "Long text", None, ["Lång text"], False),
    ]


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_entry_is_empty_or_fuzzy_plurals_included(po):
    problems = [
        (context, msgid)
        for context, msgid, _plural, msgstrs, fuzzy in catalogue_entries(po)
        if fuzzy or not msgstrs or not all(msgstrs)
    ]
    assert not problems, f"{po.relative_to(ROOT)}: empty or fuzzy: {problems}"


def test_the_same_english_has_the_same_swedish_in_every_catalogue():
    seen: dict[tuple, dict[str, tuple]] = {}
    for po in PO_FILES:
        app = str(po.relative_to(ROOT).parts[0])
        for context, msgid, plural, msgstrs, _fuzzy in catalogue_entries(po):
            seen.setdefault((context, msgid, plural), {})[app] = tuple(msgstrs)
    collisions = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert not collisions, (
        "the same msgid (and context) has different Swedish in two catalogues; the first app "
        f"in INSTALLED_APPS wins. Give each meaning its own context (pgettext): {collisions}"
    )


def test_the_collisions_found_are_resolved_where_they_show():
    with translation.override("sv"):
        assert translation.pgettext("report column: members counted", "Active") == "Aktiva"
        assert translation.pgettext("report column: members counted", "Left") == "Slutade"
        assert translation.pgettext("membership", "Left") == "Slutat"
        assert translation.pgettext("units of an enrolment", "Attended") == "Närvarat"
        assert translation.pgettext("matrix footer: people present", "Attended") == "Närvarande"


# -- The glossary's words not to use -----------------------------------------------------------
GLOSSARY = ROOT / "GLOSSARY.md"


def forbidden_patterns() -> list[str]:
    """The patterns of GLOSSARY.md's table "Words not to use" (second column, in backticks)."""
    section = GLOSSARY.read_text(encoding="utf-8").split("## Words not to use", 1)[1]
    patterns = []
    for row in section.splitlines():
        cells = re.split(r"(?<!\\)\|", row)
        if row.startswith("|") and len(cells) > 3 and not set(cells[2].strip()) <= {"-"}:
            patterns += [p.replace("\\|", "|") for p in re.findall(r"`([^`]+)`", cells[2])]
    return patterns


def swedish_texts():
    for po in PO_FILES:
        for context, msgid, _plural, msgstrs, _fuzzy in catalogue_entries(po):
            for msgstr in msgstrs:
                yield po.relative_to(ROOT), context, msgid, msgstr


def test_the_glossary_lists_the_words_not_to_use():
    patterns = forbidden_patterns()
    assert {"ladda ned", "igentagning", "lektion", "^klar$", "behörighetstyp"} <= set(patterns)
    for pattern in patterns:
        re.compile(pattern)


def test_no_catalogue_uses_a_word_the_glossary_forbids():
    patterns = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in forbidden_patterns()]
    found = [
        (str(po), msgid, msgstr, pattern.pattern)
        for po, _context, msgid, msgstr in swedish_texts()
        for pattern in patterns
        if pattern.search(msgstr)
    ]
    assert not found, found


def test_a_role_is_a_jourroll_and_a_qualification_is_never_a_behorighet():
    """'jourpass' is one shift, never a role; 'behörighet' is clearance, never a qualification."""
    found = [
        (str(po), msgid, msgstr)
        for po, _context, msgid, msgstr in swedish_texts()
        if (re.search(r"\broles?\b", msgid, re.I) and "jourpass" in msgstr.lower())
        or (re.search(r"qualification", msgid, re.I) and "behörighet" in msgstr.lower())
    ]
    assert not found, found


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("ladda ned", "Ladda ned mina uppgifter"),
        ("^klar$", "Klar"),
        (r"du behöver:\s*$", "inte än; du behöver:"),
    ],
)
def test_a_forbidden_word_would_be_found(pattern, text):
    assert pattern in forbidden_patterns()
    assert re.search(pattern, text, re.IGNORECASE | re.MULTILINE)


# -- Wagtail's admin texts that its own Swedish catalogue lacks (locale/sv, lms/wagtail_messages.py)
@pytest.mark.parametrize(
    ("url_name", "swedish", "english"),
    [
        ("people_person:add", 'aria-label="Åtgärder (sidfot)"', "Actions (footer)"),
        ("wagtailadmin_home", 'aria-label="Ändra kontots profilbild"', "Edit account avatar"),
    ],
)
def test_wagtail_admin_texts_render_in_swedish(client, coordinator_a, url_name, swedish, english):
    from django.urls import reverse

    from tests.auth import sign_in

    sign_in(client, coordinator_a)
    with translation.override("sv"):
        html = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert swedish in html and english not in html


def test_every_text_given_to_wagtail_is_swedish_in_the_host_catalogue():
    from lms import wagtail_messages

    same_in_both = {"App", "%(field_label)s:", "%(related_model_name)s %(field_label)s"}
    with translation.override("sv"):
        untranslated = [t for t in wagtail_messages.TEXTS if translation.gettext(t) == t]
        swedish = [str(count % defaultdict(lambda: 2)) for count in wagtail_messages.COUNTS]
    with translation.override("en"):
        english = [str(count % defaultdict(lambda: 2)) for count in wagtail_messages.COUNTS]
    assert set(untranslated) == same_in_both
    assert not {s for s, e in zip(swedish, english, strict=True) if s == e}
