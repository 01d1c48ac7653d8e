"""The translation catalogue is complete and current (issue 14): every string the code marks
for translation is in locale/zh_Hans/LC_MESSAGES/django.po with a reviewed (non-fuzzy)
Chinese translation, nothing in it is left over from strings the code dropped, its
placeholders match the English, and the committed .mo is the compiled .po."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

polib = pytest.importorskip("polib")

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
# What `make messages` ignores (keep the two lists the same).
IGNORED = [".venv", "var", "tests", "bench", "i18n", "node_modules", "docs"]

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext's xgettext is not installed (apt-get install gettext): "
    "the code's strings cannot be extracted to compare with the catalogue",
)


def _key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _catalogue():
    assert PO.exists(), f"{PO} is missing: run `make messages`"
    return polib.pofile(str(PO))


@needs_gettext
def test_every_marked_string_is_in_the_catalogue_and_nothing_else(monkeypatch):
    # makemessages writes each file's strings to the first locale path whose parent holds the
    # file: a scratch folder right under the project root takes them all, and the committed
    # catalogue is not touched.
    scratch = ROOT / f".translations-check-{os.getpid()}"
    monkeypatch.chdir(ROOT)
    try:
        with override_settings(LOCALE_PATHS=[str(scratch)]):
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                ignore_patterns=[*IGNORED, "locale", scratch.name],
                no_wrap=True,
                no_obsolete=True,
                verbosity=0,
            )
        fresh = polib.pofile(str(scratch / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    in_code = {_key(e) for e in fresh}
    in_catalogue = {_key(e) for e in _catalogue() if not e.obsolete}
    missing = sorted(in_code - in_catalogue)
    stale = sorted(in_catalogue - in_code)
    assert not missing, (
        f"{len(missing)} strings not in {PO.name} (run `make messages`): {missing[:10]}"
    )
    assert not stale, f"{len(stale)} strings the code no longer uses: {stale[:10]}"


def test_every_entry_is_translated_and_reviewed():
    catalogue = _catalogue()
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (machine-guessed, not reviewed): {fuzzy[:10]}"


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(m.group(0) for m in PLACEHOLDER.finditer(text))


def test_translations_keep_every_placeholder():
    wrong = []
    for entry in _catalogue():
        # Chinese has one plural form: msgstr[0] stands for the plural English (which names
        # the count the singular may leave out), so either English form's placeholders will do.
        english = {_placeholders(entry.msgid)}
        targets = [entry.msgstr]
        if entry.msgid_plural:
            english.add(_placeholders(entry.msgid_plural))
            targets = list(entry.msgstr_plural.values())
        for text in targets:
            if text and _placeholders(text) not in english:
                wrong.append((entry.msgid, text))
    assert not wrong, f"{len(wrong)} translations change placeholders: {wrong[:5]}"


def test_the_committed_mo_is_the_compiled_po():
    assert MO.exists(), f"{MO} is missing: run `make messages`"
    compiled = {
        (e.msgctxt or "", e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(MO))
    }
    source = {
        (e.msgctxt or "", e.msgid): (e.msgstr, e.msgstr_plural)
        for e in _catalogue().translated_entries()
    }
    assert compiled == source, "the .mo is stale: run `manage.py compiletranslations`"


def test_the_placeholder_check_accepts_a_chinese_plural_and_refuses_a_lost_placeholder(
    tmp_path, monkeypatch
):
    po = polib.POFile()
    po.append(
        polib.POEntry(
            msgid="Due by the next trading day at %(bank)s.",
            msgid_plural="Due within %(days)s trading days at %(bank)s.",
            msgstr_plural={0: "须在 %(days)s 个交易日内到账（%(bank)s）。"},
        )
    )
    po.append(polib.POEntry(msgid="Sent to %(email)s.", msgstr="已发送。"))
    path = tmp_path / "django.po"
    po.save(str(path))
    monkeypatch.setitem(globals(), "PO", path)  # _catalogue() reads this file instead
    with pytest.raises(AssertionError) as failure:
        test_translations_keep_every_placeholder()
    assert "Sent to %(email)s." in str(failure.value)
    assert "Due by" not in str(failure.value)
