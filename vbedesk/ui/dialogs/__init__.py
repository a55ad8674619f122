"""Dialogs of the program (GUI thread): opened with ``open()``/``show()``, results as signals."""
