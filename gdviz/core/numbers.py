"""How the window writes a number: one rule for the diagram, the tables and the arithmetic.

The learner picks the precision (View → Digits): 4 or 8 significant digits, or every digit (the
shortest text that reads back as the same float, as Python's ``repr``). Whatever the choice, a
number is written the same way everywhere: no trailing zeros, a whole number without ``.0``, a
real minus sign (−, as in print) and the same sign in an exponent (``5.5511151e−17``).
"""

from __future__ import annotations

import math
from decimal import Decimal

MINUS = "−"
EVERY = None  # the third choice of View → Digits: every digit
Digits = int | None  # significant digits, or EVERY
DIGIT_CHOICES: tuple[Digits, ...] = (4, 8, EVERY)
DEFAULT_DIGITS: Digits = 8  # the book's numbers (0.20091, 1.2943775) whole
NOT_A_NUMBER = "NaN"
INFINITY = "∞"


def digits_name(digits: Digits) -> str:
    """A choice as its menu and its settings write it: "4", "8" or "every"."""
    return "every" if digits is EVERY else str(digits)


def digits_from_name(name: object) -> Digits:
    """The choice a settings value names (anything else: the default)."""
    text = str(name).strip().lower()
    if text == "every":
        return EVERY
    return int(text) if text in ("4", "8") else DEFAULT_DIGITS


def format_number(value: float, digits: Digits = DEFAULT_DIGITS) -> str:
    """``value`` with ``digits`` significant digits (EVERY: all of them), a real minus sign, no
    trailing zeros: ``0.86``, ``1``, ``−0.14``, ``5.5511151e−17``; ``∞``, ``−∞`` and ``NaN``
    for the numbers that are not finite. −0 is written 0."""
    value = float(value)
    if math.isnan(value):
        return NOT_A_NUMBER
    if math.isinf(value):
        return INFINITY if value > 0 else MINUS + INFINITY
    value += 0.0  # -0.0 becomes 0.0
    if digits is EVERY:
        text = repr(value).removesuffix(".0")
    else:
        text = f"{value:.{digits}g}"
    return text.replace("-", MINUS)


def format_decimal(value: Decimal, digits: Digits = DEFAULT_DIGITS) -> str:
    """An exact decimal written as :func:`format_number` writes a float (EVERY: 17 significant
    digits, as many as tell any two floats apart), without going through a float: 4.95e−626 stays
    4.95e−626 where a float would read 0."""
    if not value.is_finite():
        return NOT_A_NUMBER if value.is_nan() else (INFINITY if value > 0 else MINUS + INFINITY)
    if value == 0:
        return "0"
    shown = 17 if digits is EVERY else digits
    mantissa, exponent_text = format(value, f".{shown - 1}e").split("e")
    exponent = int(exponent_text)
    if -4 <= exponent < shown:  # as "%g" does: positional within these exponents
        text = format(Decimal(f"{mantissa}e{exponent}"), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    return text.replace("-", MINUS)


def read_number(text: str) -> float:
    """A number as :func:`format_number` writes it, back as a float."""
    return float(decimal_of(text)) if text not in (NOT_A_NUMBER, INFINITY, MINUS + INFINITY) else (
        math.nan if text == NOT_A_NUMBER else math.copysign(math.inf, -1.0 if text.startswith(MINUS) else 1.0))


def decimal_of(text: str) -> Decimal:
    """The exact decimal a finite number's text writes (``−0.14`` → Decimal('-0.14'))."""
    return Decimal(text.replace(MINUS, "-"))


def is_exponent_form(text: str) -> bool:
    return "e" in text


def widest_text(digits: Digits) -> str:
    """A text as wide as a usual number written with ``digits`` (a column's width is made for it;
    the rare wider ones, such as ``−1.2345678e−05``, are the exception)."""
    shown = 17 if digits is EVERY else digits
    return MINUS + "0." + "0" * shown
