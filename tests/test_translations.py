"""The English catalogue: complete, never fuzzy, placeholders kept, and the committed .mo in step.

Spanish is the source language (every msgid is Spanish); ``cocrea/locale/en`` holds the English
translation. The .po is read with a small parser of our own (no polib), and the .mo with the
standard library's ``gettext``, so these tests need neither GNU gettext nor extra packages.
"""

from __future__ import annotations

import gettext
import re
import struct
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parent.parent / "cocrea" / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %s, %d, %.2f … as Python's %-formatting reads them; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"django.po:{self.line}: {self.msgid[:70]!r}"


def _unquote(text: str, line: int) -> str:
    assert text.startswith('"') and text.endswith('"'), f"django.po:{line}: not a quoted string"

    def unescape(match: re.Match[str]) -> str:
        char = match.group(1)
        assert char in ESCAPES, f"django.po:{line}: unknown escape \\{char}"
        return ESCAPES[char]

    return re.sub(r"\\(.)", unescape, text[1:-1])


def parse_po(text: str) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines append to

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            value = _unquote(quoted, number)
            if keyword == "msgid":
                current.msgid, target = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", 0)
            elif keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", 0)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], target = value, ("msgstr", slot)
            continue
        assert line.startswith('"') and target is not None, f"django.po:{number}: cannot read {raw!r}"
        value = _unquote(line, number)
        name, slot = target
        if name == "msgstr":
            current.msgstr[slot] += value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)
    finish()
    return entries


@cache
def catalogue() -> tuple[Entry, list[Entry]]:
    """(header, messages) of the English .po."""
    entries = parse_po(PO_PATH.read_text(encoding="utf-8"))
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "the .po must have exactly one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


def placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


# (a) the .po itself ---------------------------------------------------------------------------


def test_catalogue_exists_and_is_english():
    header, messages = catalogue()
    assert "Language: en\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]
    assert len(messages) > 300, "the catalogue looks truncated: run `make messages`"


def test_every_entry_is_translated():
    _, messages = catalogue()
    untranslated = []
    for entry in messages:
        expected_forms = {0, 1} if entry.msgid_plural is not None else {0}
        if set(entry.msgstr) != expected_forms or not all(s.strip() for s in entry.msgstr.values()):
            untranslated.append(entry.label)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy():
    header, messages = catalogue()
    fuzzy = [entry.label for entry in [header, *messages] if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_placeholders_are_kept():
    _, messages = catalogue()
    wrong = []
    for entry in messages:
        for slot, translated in entry.msgstr.items():
            source = entry.msgid if slot == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(source) != placeholders(translated):
                wrong.append(f"{entry.label} [{slot}]: {placeholders(source)} != {placeholders(translated)}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_english_uses_english_quotation_marks():
    _, messages = catalogue()
    guillemets = [e.label for e in messages if any("«" in s or "»" in s for s in e.msgstr.values())]
    assert not guillemets, "use “ ” instead of « » in English:\n" + "\n".join(guillemets)


def test_no_duplicate_messages():
    _, messages = catalogue()
    keys = [(e.msgctxt, e.msgid) for e in messages]
    assert len(keys) == len(set(keys))


# (b) the compiled .mo matches the .po ---------------------------------------------------------


def test_mo_has_exactly_the_po_messages():
    data = MO_PATH.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, _revision, count = struct.unpack(order + "3I", data[:12])
    _, messages = catalogue()
    assert count == len(messages) + 1, (
        f"django.mo has {count - 1} messages but django.po has {len(messages)}: "
        "run `django-admin compilemessages` in cocrea/"
    )


def test_mo_translates_every_po_message_as_the_po_does():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    _, messages = catalogue()
    stale = []
    for entry in messages:
        if entry.msgid_plural is not None:
            got = {
                0: compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, 1),
                1: compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, 2),
            }
        else:
            got = {
                0: compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            }
        if got != entry.msgstr:
            stale.append(entry.label)
    assert not stale, (
        "django.mo is older than django.po (run `django-admin compilemessages` in cocrea/):\n"
        + "\n".join(stale)
    )


# (c) Django serves the English text ----------------------------------------------------------


@pytest.mark.parametrize(
    ("spanish", "english"),
    [
        ("Cronograma", "Schedule"),
        ("Revisión del plan", "Plan check"),
        ("Plan de trabajo", "Work plan"),
        ("Historial de cambios", "Change history"),
        ("Verificación en dos pasos", "Two-step verification"),
        ("Reunión de trabajo", "Working meeting"),
    ],
)
def test_gettext_in_english(spanish, english):
    with translation.override("en"):
        assert translation.gettext(spanish) == english
    with translation.override("es"):
        assert translation.gettext(spanish) == spanish


def test_plurals_and_placeholders_in_english():
    with translation.override("en"):
        one = translation.ngettext("%(counter)s hallazgo", "%(counter)s hallazgos", 1) % {"counter": 1}
        many = translation.ngettext("%(counter)s hallazgo", "%(counter)s hallazgos", 3) % {"counter": 3}
        message = translation.gettext("El plan no tiene la sección «%(heading)s».") % {"heading": "VIII"}
    assert (one, many) == ("1 finding", "3 findings")
    assert message == "The plan has no “VIII” section."


def test_templates_render_in_english():
    template = Template(
        "{% load i18n %}{% translate 'Compromisos' %}|"
        "{% blocktranslate with number=11 %}Compromiso {{ number }}{% endblocktranslate %}|"
        "{% blocktranslate count counter=2 %}{{ counter }} error{% plural %}{{ counter }} errores"
        "{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert template.render(Context()) == "Commitments|Commitment 11|2 errors"
    with translation.override("es"):
        assert template.render(Context()) == "Compromisos|Compromiso 11|2 errores"


def test_model_labels_in_english():
    from cocrea.accounts.models import Role
    from cocrea.plans.models import Milestone

    with translation.override("en"):
        assert str(Milestone._meta.verbose_name) == "milestone"
        assert str(Role.COORDINATOR.label) == "Coordinator"
