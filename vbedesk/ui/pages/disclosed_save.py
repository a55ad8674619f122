"""How a page lets a file leave the vault: the notice, then the file name (GUI thread).

Nothing is written before the leave-the-encryption notice has been accepted; the page
then writes the file on the worker thread and enters it in the disclosure register
(``reports_presenter.write_output`` / ``export_file``). The Rapporter page and the
Handlingsplan page's period export both go this way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from vbedesk.i18n import _
from vbedesk.reports.catalog import Request
from vbedesk.ui.dialogs.disclosure_notice import DisclosureNoticeDialog
from vbedesk.ui.messages import delete_when_finished
from vbedesk.ui.pages.reports_presenter import export_target

FILTERS = {
    "pdf": "PDF (*.pdf)",
    "xlsx": "Excel (*.xlsx)",
    "csv": "CSV (*.csv)",
}


class DisclosedSave:
    """The notice and the file dialog of one page; ``say`` shows a cancellation."""

    def __init__(self, parent: QWidget, say: Callable[[str], None]) -> None:
        self.parent = parent
        self.say = say
        #: The notice while it is open.
        self.notice: DisclosureNoticeDialog | None = None
        #: The file dialog while it is open.
        self.file_dialog: QFileDialog | None = None

    def ask_notice(
        self, what: str, then: Callable[[str, str], None], *, printing: bool = False
    ) -> DisclosureNoticeDialog:
        """The (window-modal) notice for ``what``; accepted, ``then(recipient, purpose)``."""
        notice = DisclosureNoticeDialog(what, self.parent, printing=printing)
        delete_when_finished(notice)

        def answered(result: int) -> None:
            self.notice = None
            if result == QDialog.DialogCode.Accepted:
                then(notice.recipient(), notice.purpose())
            else:
                self.say(_("Cancelled: nothing was written."))

        notice.finished.connect(answered)
        self.notice = notice
        notice.open()
        return notice

    def ask_path(
        self, suggested: str, kinds: tuple[str, ...], then: Callable[[Path], object]
    ) -> QFileDialog:
        """A new file's name, ``suggested`` in the documents folder; chosen, ``then(path)``."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self.parent, _("Save as"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([FILTERS[k] for k in kinds])
        dialog.setDefaultSuffix(kinds[0])
        # Never over a file: the service refuses one that exists, with its own message.
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
        dialog.setDirectory(folder)
        dialog.selectFile(suggested)
        delete_when_finished(dialog)

        def chosen(path: str) -> None:
            self.file_dialog = None
            then(Path(path))

        dialog.fileSelected.connect(chosen)
        dialog.rejected.connect(lambda: self.say(_("Cancelled: nothing was written.")))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def ask_export(
        self, request: Request, then: Callable[[Path, str, str], object]
    ) -> DisclosureNoticeDialog:
        """The spreadsheet ``request``: notice → file name → ``then(path, recipient,
        purpose)``, which builds and writes it."""
        target = export_target(request)

        def with_answers(recipient: str, purpose: str) -> None:
            self.ask_path(
                target.suggested, target.kinds, lambda path: then(path, recipient, purpose)
            )

        return self.ask_notice(target.what, with_answers)
