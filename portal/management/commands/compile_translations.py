"""Compile locale/*/LC_MESSAGES/*.po to .mo with Babel.

Django's ``compilemessages`` shells out to GNU gettext's msgfmt, which a fresh machine does
not have; Babel (a pinned dependency) reads and writes the same formats in pure Python.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile .po catalogues under LOCALE_PATHS to .mo files (Babel; no gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path, help=".po files to compile (default: every catalogue)"
        )
        parser.add_argument(
            "--force", action="store_true", help="recompile even when the .mo is newer"
        )

    def handle(self, *args, paths, force, **options):
        catalogues = paths or sorted(
            po for root in settings.LOCALE_PATHS for po in Path(root).glob("*/LC_MESSAGES/*.po")
        )
        failures = []
        for po in catalogues:
            try:
                compiled = compile_catalogue(po, force=force)
            except (OSError, PoFileError, ValueError) as exc:
                failures.append(f"{po}: {exc}")
                continue
            if compiled is not None:
                self.stdout.write(f"compiled {po} ({compiled} messages)")
        if failures:
            raise CommandError("could not compile:\n" + "\n".join(failures))


def compile_catalogue(po: Path, *, force: bool = False) -> int | None:
    """Write po's .mo beside it; None when it was already up to date.

    Fuzzy entries are left out, as msgfmt does. A translation whose format placeholders do
    not match its msgid (``%(count)s``) is an error: it would crash the page that shows it.
    """
    mo = po.with_suffix(".mo")
    if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return None
    with po.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    problems = [
        f"line {message.lineno}: {message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in catalog.check()
    ]
    if problems:
        raise ValueError("\n  ".join(["placeholders differ from the msgid", *problems]))
    # Write beside the target and rename, so a running server never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sum(1 for message in catalog if message.id and message.string and not message.fuzzy)
