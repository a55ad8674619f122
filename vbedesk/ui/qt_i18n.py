"""Qt's own strings in the program's language: qtbase_sv.qm and a gettext bridge (GUI thread).

One catalog serves everything: the installed ``QTranslator`` asks ``vbedesk.i18n``
(gettext) first and then Qt's shipped ``qtbase_<lang>.qm`` for Qt's own strings (the
standard buttons: OK, Avbryt, …).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vbedesk import i18n

log = logging.getLogger(__name__)


class GettextTranslator(QTranslator):
    """Answers Qt's ``tr()`` lookups from gettext, then from Qt's own catalog.

    It always answers with a string: PySide6 cannot return a null QString from a Python
    override (``None`` corrupts a reference count), and an empty string would be taken
    as the translation, so an unknown text comes back as itself.
    """

    def __init__(self, fallback: QTranslator | None = None, parent: QCoreApplication | None = None):
        super().__init__(parent)
        self._fallback = fallback

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        if not source_text:
            return ""
        translated = i18n._(source_text)
        if translated != source_text:
            return translated
        if self._fallback is not None:
            qt_text = self._fallback.translate(context, source_text, disambiguation, n)
            if qt_text:
                return qt_text
        return source_text

    def isEmpty(self) -> bool:
        return False


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Switch gettext and Qt to ``language``; returns the translators (keep them alive)."""
    i18n.set_language(language)
    lang = QLocale.Language.Swedish if language == "sv" else QLocale.Language.English
    QLocale.setDefault(QLocale(lang))
    qtbase: QTranslator | None = None
    if language != "en":
        qtbase = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not qtbase.load(f"qtbase_{language}", folder):
            log.warning("Qt's %s catalog was not found; standard buttons stay English", language)
            qtbase = None
    bridge = GettextTranslator(qtbase, app)
    app.installTranslator(bridge)
    return [bridge] if qtbase is None else [bridge, qtbase]


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
