#!/usr/bin/env python3
"""Render the application icon: resources/icons/vbedesk.svg → PNG sizes and vbedesk.ico.

    QT_QPA_PLATFORM=offscreen python scripts/make_icons.py

Qt's own SVG renderer (QSvgRenderer) draws each size, so the output is the same on every
machine with the same PySide6. The .ico holds every size as a PNG image (Windows Vista and
later, Inno Setup and PyInstaller read those); it is written here, byte by byte, because
Qt's ICO writer stores one image only.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "vbedesk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The icon at ``size`` × ``size`` pixels as PNG bytes (transparent background)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, b"PNG"):
        raise RuntimeError(f"could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An ICO file holding each PNG in ``images`` (size → PNG bytes)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = [], []
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(blobs)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    images = {size: render_png(renderer, size) for size in SIZES}
    for size, png in images.items():
        (ICONS / f"vbedesk-{size}.png").write_bytes(png)
    (ICONS / "vbedesk.ico").write_bytes(ico_bytes(images))
    print(f"wrote {len(images)} PNG sizes and vbedesk.ico to {ICONS}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
