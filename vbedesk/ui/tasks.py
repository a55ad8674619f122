"""Background work: run a callable on one worker thread, deliver its outcome on the GUI thread.

``run_task`` is called on the GUI thread; the callable runs on a ``QThreadPool`` with a
single thread (one job at a time: jobs run in the order they were started);
``on_done``/``on_error`` are called back on the GUI thread through queued signals.

``run_read`` does the same on a second pool of one thread of its own, for the short
reads the window waits for (a table's count and pages): they never queue behind a backup
or a report on the worker thread. Reads under WAL take their own pooled connection, so
the two threads never wait on each other either.

Locking never waits for a job: ``cancel_all`` tells the running one to stop (its
``CancelToken`` answers true; the vault interrupts its statement) and the ones still
queued not to start. Their outcomes are dropped with the widgets that asked for them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from vbedesk.errors import Cancelled
from vbedesk.i18n import _

log = logging.getLogger(__name__)

#: A job that takes longer than this shows its progress dialog (style.md §4).
PROGRESS_DELAY_MS = 600

_pool: QThreadPool | None = None
_read_pool: QThreadPool | None = None
_running: set[Task] = set()
#: Finished tasks, kept until the worker thread is idle: see ``Task._finish``.
_finished: list[Task] = []
#: How often the finished tasks are looked at again while the worker still runs.
REAP_INTERVAL_MS = 50


class CancelToken:
    """Asked by a long job between its steps (``cancel=token``); set by ``cancel_all``."""

    def __init__(self) -> None:
        self._set = False

    def cancel(self) -> None:
        self._set = True

    def __call__(self) -> bool:
        return self._set


def pool() -> QThreadPool:
    """The one worker thread of the program (created on first use)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(-1)
    return _pool


def read_pool() -> QThreadPool:
    """The interactive reads' own thread (created on first use): see ``run_read``."""
    global _read_pool
    if _read_pool is None:
        _read_pool = QThreadPool()
        _read_pool.setMaxThreadCount(1)
        _read_pool.setExpiryTimeout(-1)
    return _read_pool


def wait_for_tasks(msecs: int = 10_000) -> bool:
    """Wait until no background job or read runs; False on timeout.

    For the self-test's window step and tests only: the program itself never waits on a
    job (a lock calls ``cancel_all``).
    """
    return pool().waitForDone(msecs) and read_pool().waitForDone(msecs)


def busy() -> bool:
    """Whether a job or a read runs or waits to run (its outcome not delivered yet)."""
    return any(not task.is_finished for task in _running)


def cancel_all() -> bool:
    """Cancel every job and read that runs or waits: never waits. True when one was going.

    A queued job does not start; a running one sees its token set (and the vault's lock
    interrupts its statement). Their outcomes still arrive, and are dropped with the
    widgets that asked for them.
    """
    going = False
    for task in list(_running):
        if not task.is_finished:
            task.drop()
            going = True
    return going


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, token: CancelToken) -> None:
        super().__init__()
        self.token = token


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._signals = signals

    def run(self) -> None:  # worker thread
        if self._signals.token():
            self._signals.failed.emit(Cancelled())
            return
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(result)


class Task(QObject):
    """One running job; lives on the GUI thread, so its slots run there."""

    finished = Signal()

    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        parent: QObject | None,
        progress_text: str | None,
        on_dropped: Callable[[Any], None] | None = None,
        token: CancelToken | None = None,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        # No Qt parent: the task outlives a closed dialog and drops the outcome itself.
        super().__init__(None)
        self._on_dropped = on_dropped
        self._on_done = on_done
        self._on_error = on_error
        self._parent_widget = parent
        self._pool = thread_pool if thread_pool is not None else pool()
        self._progress: QProgressDialog | None = None
        self._progress_text = progress_text
        self.is_finished = False
        self._cancellable = token is not None
        self._dropped = False
        self.token = token if token is not None else CancelToken()
        self._signals = _Signals(self.token)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._runnable = _Runnable(fn, self._signals)
        if progress_text is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, self, self._show_progress)

    def start(self) -> None:
        _running.add(self)
        self._pool.start(self._runnable)

    def cancel(self) -> None:
        """Ask the job to stop (a queued one does not start); never waits."""
        self.token.cancel()

    def drop(self) -> None:
        """Cancel, and drop the outcome whenever it comes (the vault is locking)."""
        self._dropped = True
        self.cancel()

    def _parent_gone(self) -> bool:
        return self._parent_widget is not None and not shiboken6.isValid(self._parent_widget)

    def _show_progress(self) -> None:
        parent = self._parent_widget
        if self.is_finished or self._parent_gone():
            return
        if parent is not None and not isinstance(parent, QWidget):
            return  # only a widget's job shows a dialog (``run_read`` shows none)
        dialog = QProgressDialog(parent)
        dialog.setWindowTitle(_("Please wait"))
        dialog.setLabelText(self._progress_text or _("Working…"))
        dialog.setRange(0, 0)  # busy: the core reports no steps for this job
        if self._cancellable:
            # A job that asks its token between steps: Avbryt stops it there.
            dialog.setCancelButtonText(_("Cancel"))
            dialog.canceled.connect(self.token.cancel)
        else:
            dialog.setCancelButton(None)
        dialog.setAccessibleName(_("Progress"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.open()
        self._progress = dialog

    def _finish(self) -> None:
        self.is_finished = True
        _running.discard(self)
        # The outcome arrives here while the worker may still be returning from the
        # emit: if this task (and with it the signal object and the runnable) went now,
        # the worker would drop their last references and delete a QObject of this
        # thread on its own thread. Kept until the worker is idle, they go here.
        _finished.append(self)
        QTimer.singleShot(0, _reap)
        progress, self._progress = self._progress, None
        if progress is not None and shiboken6.isValid(progress):  # gone with its parent?
            progress.close()
            progress.deleteLater()
        self.finished.emit()

    @Slot(object)
    def _done(self, result: object) -> None:
        self._finish()
        if self._parent_gone() or self._dropped:  # gone, or cancelled by a lock
            if self._on_dropped is not None:
                self._on_dropped(result)
            return
        if self._on_done is not None:
            self._on_done(result)

    @Slot(object)
    def _failed(self, exc: object) -> None:
        self._finish()
        assert isinstance(exc, BaseException)
        if self._parent_gone() or self._dropped:
            return  # nobody waits for it any more (a lock came)
        if self._on_error is not None:
            self._on_error(exc)
        else:
            from vbedesk.ui.messages import show_error

            log.error("background job failed (%s)", type(exc).__name__)
            parent = self._parent_widget
            show_error(parent if isinstance(parent, QWidget) else None, exc)


def _reap() -> None:
    """Let finished tasks go on the GUI thread once no runnable is on their pool's thread."""
    if not _finished:
        return
    _finished[:] = [task for task in _finished if task._pool.activeThreadCount() != 0]
    if _finished:
        QTimer.singleShot(REAP_INTERVAL_MS, _reap)


def run_task(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    parent: QWidget | None = None,
    *,
    progress_text: str | None = None,
    on_dropped: Callable[[Any], None] | None = None,
    token: CancelToken | None = None,
) -> Task:
    """Run ``fn()`` on the worker thread; call ``on_done(result)`` or ``on_error(exc)`` here.

    Without ``on_error`` an error is shown in the one error dialog. With ``progress_text``
    a busy dialog appears when the job is still running after ``PROGRESS_DELAY_MS``.
    When ``parent`` is destroyed first, the outcome goes to ``on_dropped`` (for example to
    close a vault nobody waits for any more) and errors are dropped. A long job that can
    stop between steps takes ``token`` and asks it (``cancel=token``); its progress dialog
    then has an Avbryt button that sets the token.
    """
    task = Task(fn, on_done, on_error, parent, progress_text, on_dropped, token)
    task.start()
    return task


def run_read(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    parent: QObject | None,
) -> Task:
    """Run the short read ``fn()`` on the interactive reads' thread; the outcome comes here.

    As ``run_task``, without a progress dialog: the caller shows that it is loading. When
    ``parent`` is destroyed first, or a lock calls ``cancel_all``, the outcome is dropped.
    """
    task = Task(fn, on_done, on_error, parent, None, thread_pool=read_pool())
    task.start()
    return task
