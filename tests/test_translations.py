"""Every UI string has a Swedish translation, and the committed .mo files match the .po files."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
#: The repository's catalogues; not copies in the virtual environment or in a wheel build.
SKIPPED_DIRS = {".venv", "build", "dist"}
PO_FILES = sorted(
    p
    for p in ROOT.glob("**/locale/sv/LC_MESSAGES/django.po")
    if not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)
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
