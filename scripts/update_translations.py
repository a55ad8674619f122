#!/usr/bin/env python3
"""Extract user-visible strings into the template and merge them into each catalog.

    .venv/bin/python scripts/update_translations.py

Then translate the new (empty) entries in ``resources/locale/sv/LC_MESSAGES/vbedesk.po``.
The test suite fails while any entry lacks a Swedish translation.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "resources" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    template = Catalog(project="VBE Desk", domain="vbedesk", charset="utf-8")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "vbedesk", method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(
            message,
            None,
            [(f"vbedesk/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def main() -> None:
    template = extract()
    with (LOCALE / "vbedesk.pot").open("wb") as fh:
        write_po(fh, template, omit_header=True, sort_output=True, no_location=True)
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/vbedesk.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parents[1].name)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as fh:
            write_po(
                fh,
                catalog,
                omit_header=True,
                sort_output=True,
                no_location=True,
                ignore_obsolete=True,
            )
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{po.relative_to(ROOT)}: {len(missing)} untranslated")


if __name__ == "__main__":
    main()
