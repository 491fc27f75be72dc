"""Mend: a coach for rebuilding trust after a betrayal."""

__version__ = "0.1.0"
