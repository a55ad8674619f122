"""The PySide6 desktop program; the only package that imports Qt."""
