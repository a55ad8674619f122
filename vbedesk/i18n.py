"""One translation system for every layer: gettext catalogs read from ``resources/locale``.

Source strings are English; Swedish is the default language. Catalogs are kept as ``.po``
files and compiled in memory at first use (Babel), so no binary catalog lives in git.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from functools import cache

from vbedesk.paths import resource_path

DOMAIN = "vbedesk"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (gettext_noop)."""
    return message


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = resource_path("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(language: str) -> None:
    """Switch every later ``_()`` call to ``language`` (``sv`` or ``en``)."""
    global _current, _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    _current = _catalog(language)
    _language = language


def language() -> str:
    return _language


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """Swedish unless the environment's locale asks for English (``LANG=en_…``)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)
