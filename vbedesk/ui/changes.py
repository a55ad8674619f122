"""The vault's change events on the GUI thread (GUI thread; the events come from any thread).

A committed use case tells the service's listeners which areas it changed
(``vbedesk.changes``). ``ChangeHub`` subscribes once per open vault and re-emits each
``Changes`` as a queued Qt signal, so the pages refresh on the GUI thread, after the
event loop has finished the slot that saved, whichever thread committed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from vbedesk.changes import Changes
from vbedesk.storage.service import VaultService


class ChangeHub(QObject):
    """One per main window: ``changed`` carries every committed ``Changes``."""

    changed = Signal(object)  # Changes
    #: Emitted on the committing thread; queued on to ``changed``.
    _committed = Signal(object)

    def __init__(self, service: VaultService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._committed.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = service.subscribe(self._committed.emit)

    def _deliver(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def dispose(self) -> None:
        """Stop listening (the window goes with a lock)."""
        self._unsubscribe()
