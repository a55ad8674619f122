"""VBE Desk: an offline, encrypted desk for the local coordinator against violent extremism."""

__version__ = "0.1.0"
