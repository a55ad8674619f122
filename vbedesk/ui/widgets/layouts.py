"""Small layout pieces shared by the pages and dialogs: a labelled row with a button, a
dialog's busy bar beside its buttons, a group with a form and its save button, two panes
side by side, a tab chain (GUI thread).

Nothing here loads the storage layer, so the dialogs shown before a vault is open can
use it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)


def labelled_row(caption: str, field: QWidget, button: QPushButton) -> QHBoxLayout:
    """``caption`` (the field's buddy, for its mnemonic), the field stretched, ``button``."""
    label = QLabel(caption)
    label.setBuddy(field)
    row = QHBoxLayout()
    row.addWidget(label)
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def busy_bar(name: str, text: str | None = None) -> QProgressBar:
    """A hidden bar without steps, for while a dialog works; ``text`` written on it."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setAccessibleName(name)
    if text is not None:
        bar.setFormat(text)
    bar.hide()
    return bar


def busy_button_row(bar: QProgressBar, *buttons: QPushButton) -> QHBoxLayout:
    """A dialog's bottom row: the busy bar stretched, then ``buttons`` at the right."""
    row = QHBoxLayout()
    row.addWidget(bar, 1)
    row.addStretch(0)
    for button in buttons:
        row.addWidget(button)
    return row


def form_group(
    title: str,
    form: QFormLayout,
    error: QLabel,
    button: QPushButton,
    hint: QLabel | None = None,
) -> QGroupBox:
    """A group titled ``title``: ``hint`` if given, the form, its refusal label, and
    ``button`` at the right under them."""
    group = QGroupBox(title)
    layout = QVBoxLayout(group)
    if hint is not None:
        layout.addWidget(hint)
    layout.addLayout(form)
    layout.addWidget(error)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(button)
    layout.addLayout(buttons)
    return group


def side_by_side(
    first: QWidget, second: QWidget, *, stretch: tuple[int, int], sizes: tuple[int, int]
) -> QSplitter:
    """Two panes in a horizontal splitter that never collapses either of them."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    splitter.setSizes(list(sizes))
    return splitter


def chain_tabs(widgets: Sequence[QWidget]) -> None:
    """Tab moves through ``widgets`` in this order."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
