"""Reading numbers typed by a learner: a finite number, or a message saying what is wrong."""

from __future__ import annotations

import math
import re

DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_number(text: str, what: str = "value", *, positive: bool = False) -> float:
    """``text`` as a finite float; ValueError with a one-line message for the learner otherwise.

    Accepts ``0.01``, ``-3``, ``1e-3`` and the window's own minus sign (``−0.3``); refuses empty
    text, words, ``nan``, ``inf``, numbers too large for a float (``1e400``), comma decimals
    (``0,5``), and what ``float`` reads but the learner did not write as a decimal number: other
    scripts' digits (``٣`` is 3 to ``float``) and underscores (``1_0`` is 10).
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"{what} is empty: type a number such as 0.01")
    if "," in cleaned:
        raise ValueError(f"{what} {cleaned!r}: use a point for decimals (0.5, not 0,5)")
    written = cleaned.replace("\u2212", "-")  # the minus sign the tables write
    if not DECIMAL.fullmatch(written):
        if written.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ValueError(f"{what} must be a finite number, not {cleaned!r}")
        digits = " written with the digits 0-9" if not cleaned.isascii() or "_" in cleaned else ""
        raise ValueError(f"{what} {cleaned!r} is not a number{digits}")
    value = float(written)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{what} must be a finite number, not {cleaned!r}")
    if positive and value <= 0:
        raise ValueError(f"{what} must be greater than 0, not {cleaned}")
    return value + 0.0  # -0 becomes 0


def parse_count(text: str, group_separator: str = ",") -> int | None:
    """The whole number ``text`` writes in the digits 0-9, or None when it writes anything else.

    ``1000`` and ``1,000`` (``group_separator`` between groups of three, as the field shows it)
    are 1000; ``2.5``, ``1e3``, ``-3``, ``1,00``, ``²``, ``½`` and ``٣`` are None: never a number
    other than the one typed (``str.isdigit`` is True for "²", on which ``int`` raises, and
    ``int`` reads "٣" as 3).
    """
    cleaned = text.strip()
    if re.fullmatch("[0-9]+", cleaned):
        return int(cleaned)
    if group_separator and not re.search("[0-9]", group_separator) and re.fullmatch(
            f"[0-9]{{1,3}}(?:{re.escape(group_separator)}[0-9]{{3}})+", cleaned):
        return int(cleaned.replace(group_separator, ""))
    return None


def format_number(value: float, digits: int = 7) -> str:
    """A weight or error for a table cell: ``digits`` significant digits, no trailing zeros.

    (The cell's tooltip and the CSV export carry every digit.)
    """
    return f"{value:.{digits}g}"
