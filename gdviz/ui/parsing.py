"""Reading numbers typed by a learner: a finite number, or a message saying what is wrong."""

from __future__ import annotations

import math


def parse_number(text: str, what: str = "value", *, positive: bool = False) -> float:
    """``text`` as a finite float; ValueError with a one-line message for the learner otherwise.

    Accepts ``0.01``, ``-3``, ``1e-3``; refuses empty text, words, ``nan``, ``inf``, numbers
    too large for a float (``1e400``) and comma decimals (``0,5``).
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"{what} is empty: type a number such as 0.01")
    if "," in cleaned:
        raise ValueError(f"{what} {cleaned!r}: use a point for decimals (0.5, not 0,5)")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{what} {cleaned!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{what} must be a finite number, not {cleaned!r}")
    if positive and value <= 0:
        raise ValueError(f"{what} must be greater than 0, not {cleaned}")
    return value + 0.0  # -0 becomes 0


def format_number(value: float, digits: int = 7) -> str:
    """A weight or error for a table cell: ``digits`` significant digits, no trailing zeros.

    (The cell's tooltip and the CSV export carry every digit.)
    """
    return f"{value:.{digits}g}"
