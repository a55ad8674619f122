"""Reusable widgets of the program (GUI thread)."""
