"""PDF pages in the program: rendered with PDFium (``pypdfium2``), shown and printed with Qt.

Why PDFium and not QtPdf: QtPdf is only in ``PySide6-Addons`` (several hundred MB more
in every installation and the bundle); ``pypdfium2`` is a small wheel for Windows, Linux
and macOS with PDFium inside, needs no system tools, and renders from bytes in memory,
so a report never touches the disk before the coordinator saves it.

``render_pages`` runs on the worker thread (``vbedesk.ui.tasks``); ``to_image``,
``PdfPreview`` and ``print_pdf`` on the GUI thread. PDFium is not thread-safe: every use
holds ``_PDFIUM``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from vbedesk.errors import InputRefused
from vbedesk.i18n import N_, _

_PDFIUM = threading.Lock()

#: Pixels per PDF point in the preview (72 points per inch: about 108 dpi).
PREVIEW_SCALE = 1.5
#: Printing renders at most at this resolution: a page at 300 dpi is ~25 MB in memory.
MAX_PRINT_DPI = 300


@dataclass(frozen=True)
class RenderedPage:
    """One page as 24-bit RGB rows (``stride`` bytes each), ready for a ``QImage``."""

    width: int
    height: int
    stride: int
    pixels: bytes


def _render(page: pdfium.PdfPage, scale: float) -> RenderedPage:
    bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
    try:
        if bitmap.mode != "RGB":  # pragma: no cover - PDFium gives RGB for an opaque page
            raise ValueError(f"unexpected bitmap mode {bitmap.mode}")
        return RenderedPage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
    finally:
        bitmap.close()


def _each_page(
    data: bytes, scale_of: Callable[[pdfium.PdfPage], float], limit: int | None = None
) -> list[RenderedPage]:
    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            doc.init_forms()  # form fields drawn as a viewer shows them
            count = len(doc) if limit is None else min(limit, len(doc))
            pages = []
            for index in range(count):
                page = doc[index]
                try:
                    pages.append(_render(page, scale_of(page)))
                finally:
                    page.close()
            return pages
        finally:
            doc.close()


def render_pages(data: bytes, scale: float = PREVIEW_SCALE) -> list[RenderedPage]:
    """Every page of the PDF ``data`` at ``scale`` pixels per point (worker thread)."""
    return _each_page(data, lambda _page: scale)


def page_count(data: bytes) -> int:
    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            return len(doc)
        finally:
            doc.close()


def to_image(page: RenderedPage) -> QImage:
    """A ``QImage`` owning a copy of the pixels (the bytes may go away after this)."""
    image = QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888)
    return image.copy()


def paint_pages(pages: list[RenderedPage], printer: QPrinter) -> int:
    """Print ``pages`` (rendered for the printer) on ``printer``, each fitted to its area.

    Returns the number of pages printed (GUI thread; the printer may be a PDF file).
    """
    painter = QPainter()
    if not painter.begin(printer):
        raise InputRefused(N_("The printer cannot be used. Nothing was printed."))
    try:
        for number, page in enumerate(pages):
            if number:
                printer.newPage()
            area = painter.viewport()
            image = to_image(page)
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(
                area.x() + (area.width() - size.width()) / 2,
                area.y(),
                size.width(),
                size.height(),
            )
            painter.drawImage(target, image)
    finally:
        painter.end()
    return len(pages)


class PdfPreview(QScrollArea):
    """The pages of a PDF one under the other, scrollable by keyboard and mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Preview"))
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._inner = QWidget()
        # The backdrop behind the pages, from the palette (a dark palette gets a dark one).
        self._inner.setStyleSheet("background: palette(mid);")
        self._layout = QVBoxLayout(self._inner)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._layout.setSpacing(12)
        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(
            "color: palette(window-text); font-size: 12pt; padding: 24px;"
        )
        self._layout.addWidget(self.placeholder)
        self.setWidget(self._inner)
        self._labels: list[QLabel] = []
        self._images: list[QImage] = []
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_placeholder(self, text: str) -> None:
        self.clear()
        self.placeholder.setText(text)
        self.placeholder.setVisible(True)

    def clear(self) -> None:
        for label in self._labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._labels = []
        self._images = []
        self.placeholder.setVisible(True)

    def set_pages(self, pages: list[RenderedPage]) -> None:
        self.clear()
        self.placeholder.setVisible(False)
        self._images = [to_image(page) for page in pages]
        for number in range(1, len(pages) + 1):
            label = QLabel()
            label.setAccessibleName(
                _("Page {page} of {pages}").format(page=number, pages=len(pages))
            )
            self._layout.addWidget(label)
            self._labels.append(label)
        self._fit()
        self.verticalScrollBar().setValue(0)

    def _fit(self) -> None:
        """Each page as wide as the view (never wider than rendered): no sideways scrolling."""
        margins = self._layout.contentsMargins()
        width = self.viewport().width() - margins.left() - margins.right()
        for label, image in zip(self._labels, self._images, strict=True):
            shown = min(max(width, 200), image.width())
            label.setPixmap(
                QPixmap.fromImage(
                    image.scaledToWidth(shown, Qt.TransformationMode.SmoothTransformation)
                )
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._labels:
            self._fit()

    def page_count(self) -> int:
        return len(self._labels)
