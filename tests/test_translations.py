"""The translation catalogue is complete and current (issue 14): every string the code marks
for translation is in locale/zh_Hans/LC_MESSAGES/django.po with a reviewed (non-fuzzy)
Chinese translation, nothing in it is left over from strings the code dropped, its
placeholders match the English, GNU msgfmt accepts it, and the committed .mo is the compiled
.po (by polib and by msgfmt)."""

from __future__ import annotations

import gettext
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
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


# GNU msgfmt is the compiler Django's own `compilemessages` runs and the stricter judge of a
# .po: it refuses a catalogue that defines a message twice or whose translation breaks a
# format string, where polib (and so the pure-Python compile) accepts it silently. Both the
# .po and the .mo are checked against msgfmt, so a refused .po or a stale .mo fails CI.
needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None,
    reason="GNU gettext's msgfmt is not installed (apt-get install gettext): the catalogue "
    "cannot be checked or compiled the way Django's compilemessages does",
)


def _msgfmt(po: Path, mo: Path) -> str | None:
    """Compile ``po`` to ``mo`` with msgfmt's checks; msgfmt's complaint if it refuses."""
    done = subprocess.run(  # noqa: S603 - a fixed program on files the test chose
        [shutil.which("msgfmt") or "msgfmt", "-c", "--check-format", "-o", str(mo), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    return None if done.returncode == 0 else (done.stderr.strip() or done.stdout.strip())


def _messages(mo: Path) -> dict:
    """A compiled catalogue as gettext loads it: {msgid (or (msgid, n)): translation}."""
    with mo.open("rb") as handle:
        # gettext keeps the loaded messages in _catalog and offers no public view of them.
        return dict(gettext.GNUTranslations(handle)._catalog)


def _stale_messages(po: Path, mo: Path, scratch: Path) -> list[str]:
    """How ``mo`` differs from what msgfmt compiles ``po`` to (empty when it is current)."""
    fresh_mo = scratch / "fresh.mo"
    refusal = _msgfmt(po, fresh_mo)
    assert refusal is None, f"msgfmt refuses {po.name}:\n{refusal}"
    fresh, committed = _messages(fresh_mo), _messages(mo)
    problems = [f"missing from the .mo: {key!r}" for key in fresh if key not in committed]
    problems += [f"left over in the .mo: {key!r}" for key in committed if key not in fresh]
    problems += [
        f"translated differently in the .mo: {key!r}"
        for key in fresh
        if key in committed and committed[key] != fresh[key]
    ]
    return problems


@needs_msgfmt
def test_msgfmt_accepts_the_catalogue(tmp_path):
    refusal = _msgfmt(PO, tmp_path / "django.mo")
    assert refusal is None, f"msgfmt -c --check-format refuses {PO}:\n{refusal}"


@needs_msgfmt
def test_the_committed_mo_carries_exactly_the_po_messages(tmp_path):
    assert MO.exists(), f"{MO} is missing: run `make messages`"
    problems = _stale_messages(PO, MO, tmp_path)
    assert not problems, (
        f"the committed {MO.name} is stale ({len(problems)} differences; run "
        "`manage.py compiletranslations` and commit the .mo):\n" + "\n".join(problems[:20])
    )


@needs_msgfmt
def test_the_msgfmt_check_refuses_a_message_defined_twice(tmp_path):
    entry = next(e for e in _catalogue() if e.msgstr and not e.msgid_plural)
    po = tmp_path / "django.po"
    po.write_text(PO.read_text(encoding="utf-8") + "\n" + str(entry) + "\n", encoding="utf-8")
    refusal = _msgfmt(po, tmp_path / "django.mo")
    assert refusal is not None
    assert "duplicate message definition" in refusal


@needs_msgfmt
def test_the_stale_mo_check_names_the_messages_the_mo_lacks(tmp_path):
    catalogue = _catalogue()
    dropped = next(e for e in catalogue if e.msgstr and not e.msgid_plural and not e.msgctxt)
    catalogue.remove(dropped)
    older_po, older_mo = tmp_path / "older.po", tmp_path / "older.mo"
    catalogue.save(str(older_po))
    assert _msgfmt(older_po, older_mo) is None
    problems = _stale_messages(PO, older_mo, tmp_path)
    assert problems == [f"missing from the .mo: {dropped.msgid!r}"]


def test_the_pure_python_compile_refuses_a_message_defined_twice(tmp_path):
    # polib keeps both copies and would write whichever came last; msgfmt refuses the file.
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Fund size", msgstr="基金规模"))
    po.append(polib.POEntry(msgid="Fund facts", msgstr="基金概况"))
    po.append(polib.POEntry(msgid="Fund size", msgstr="规模"))
    po.save(str(folder / "django.po"))
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        with pytest.raises(CommandError) as refusal:
            call_command("compiletranslations", stdout=io.StringIO())
    assert "['Fund size']" in str(refusal.value)
    assert not (folder / "django.mo").exists()
