"""When to lock: idle time by the wall clock, the OS suspending the program (GUI thread).

``IdleLock`` only decides; whoever owns the open vault (``ui.app.AppController``) does
the locking when ``lock_requested`` fires. Idle time is measured by comparing the wall
clock on every tick of a timer, so time spent asleep (a closed lid) counts: a monotonic
timer alone would pause with the machine.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence

#: Seconds between two looks at the clock.
TICK_MS = 1000

#: What counts as the coordinator being at the keyboard.
_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.ShortcutOverride,
    }
)


class IdleLock(QObject):
    """Asks for a lock after ``minutes`` without input, or when the OS suspends the program."""

    lock_requested = Signal(str)  # the reason: "idle" or "suspended"
    remaining_changed = Signal(int)  # whole seconds until the auto-lock

    def __init__(
        self,
        minutes: int,
        *,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._limit = minutes * 60.0
        self._last_activity = clock()
        self._fired = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        app = QGuiApplication.instance()
        if app is not None:
            app.installEventFilter(self)
            if isinstance(app, QGuiApplication):
                app.applicationStateChanged.connect(self._state_changed)

    def start(self) -> None:
        self._last_activity = self._clock()
        self._fired = False
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            if isinstance(app, QGuiApplication):
                with contextlib.suppress(RuntimeError, TypeError):  # never connected
                    app.applicationStateChanged.disconnect(self._state_changed)

    def set_minutes(self, minutes: int) -> None:
        self._limit = minutes * 60.0
        self.tick()

    @property
    def minutes(self) -> int:
        return int(self._limit // 60)

    def touch(self) -> None:
        """Record activity now (also called by the event filter)."""
        self._last_activity = self._clock()

    def remaining(self) -> int:
        """Whole seconds left before the auto-lock (never negative)."""
        left = self._limit - (self._clock() - self._last_activity)
        return max(0, int(left + 0.999))

    def tick(self) -> None:
        """Compare the wall clock with the last activity; request the lock when due."""
        left = self.remaining()
        self.remaining_changed.emit(left)
        if left <= 0 and not self._fired:
            self._fired = True
            self.timer.stop()
            self.lock_requested.emit("idle")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            if self.remaining() <= 0:
                # The deadline passed while asleep: input now must not postpone the lock.
                self.tick()
            else:
                self._last_activity = self._clock()
        return False

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended and not self._fired:
            self._fired = True
            self.timer.stop()
            self.lock_requested.emit("suspended")


class LockKeys(QObject):
    """The lock keys anywhere in the program, even over a modal dialog.

    The main window's actions carry the same shortcuts, but Qt does not fire the shortcut
    of a window that a modal dialog blocks; this application event filter sees the key
    press that then reaches the dialog instead, and consumes it.
    """

    lock_pressed = Signal()
    hide_pressed = Signal()

    def __init__(self, lock_key: str, hide_key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = QKeySequence(lock_key)
        self._hide = QKeySequence(hide_key)
        app = QGuiApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def stop(self) -> None:
        app = QGuiApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if pressed.matches(self._hide) == QKeySequence.SequenceMatch.ExactMatch:
                self.hide_pressed.emit()
                return True
            if pressed.matches(self._lock) == QKeySequence.SequenceMatch.ExactMatch:
                self.lock_pressed.emit()
                return True
        return False


def format_remaining(seconds: int) -> str:
    """``mm:ss`` for the status bar."""
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
