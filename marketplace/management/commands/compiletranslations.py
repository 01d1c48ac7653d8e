"""``manage.py compiletranslations``: every ``locale/<lang>/LC_MESSAGES/*.po`` to its ``.mo``,
in pure Python (polib), so the compiled catalogues can be rebuilt on a machine without GNU
gettext and come out byte-for-byte the same everywhere (they are committed: ``make run`` needs
no compile step). ``make messages`` runs makemessages (which does need gettext's xgettext),
then this."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _defined_twice(catalogue) -> list[str]:
    """The messages (by context and msgid) the catalogue defines more than once: polib keeps
    every copy and the .mo would carry whichever came last, where msgfmt refuses the file."""
    seen = Counter((entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete)
    return [msgid for (_context, msgid), count in seen.items() if count > 1]


class Command(BaseCommand):
    help = "Compile the project's .po catalogues to .mo without GNU gettext."

    def handle(self, *args, **options):
        try:
            import polib
        except ImportError as exc:  # a dev dependency: requirements-dev.txt
            raise CommandError(
                "polib is not installed: pip install -r requirements-dev.txt"
            ) from exc
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
                if fuzzy:
                    raise CommandError(
                        f"{po_path}: {len(fuzzy)} fuzzy entries (review them, drop the flag): "
                        f"{fuzzy[:3]}"
                    )
                twice = _defined_twice(catalogue)
                if twice:
                    raise CommandError(
                        f"{po_path}: {len(twice)} messages defined more than once (GNU msgfmt, "
                        f"and so Django's compilemessages, refuses the file; keep one of each): "
                        f"{twice[:5]}"
                    )
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                self.stdout.write(
                    f"{po_path.with_suffix('.mo')}: {len(catalogue.translated_entries())} "
                    f"of {len(catalogue)} translated"
                )
        if not compiled:
            raise CommandError(f"No .po files under {settings.LOCALE_PATHS}.")
