"""View → Digits, remembered: how many significant digits every number of the window shows.

A display preference, not part of a session: it lives in QSettings, and each view that writes
numbers (the diagram, the weights and data tables, the arithmetic) is told it and draws with
:func:`gdviz.core.numbers.format_number`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from gdviz.core.numbers import DEFAULT_DIGITS, Digits, digits_from_name, digits_name

KEY = "view/digits"


def saved_digits(settings: QSettings | None = None) -> Digits:
    """The learner's choice (4, 8 or None for every digit), or the default."""
    settings = settings if settings is not None else QSettings()
    return digits_from_name(settings.value(KEY, digits_name(DEFAULT_DIGITS)))


def save_digits(digits: Digits, settings: QSettings | None = None) -> None:
    (settings if settings is not None else QSettings()).setValue(KEY, digits_name(digits))
