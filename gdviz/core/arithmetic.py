"""One iteration's arithmetic written out the way the book writes it, with the real numbers.

    pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86
    delta = 0.86 − 1 = −0.14
    error = (−0.14)² = 0.0196
    weight_delta[toes] = −0.14 × 8.5 = −1.19
    w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119

With several outputs the names carry the output: ``pred[win]``, ``weight_delta[toes→win]``.
An iteration that used the update as printed in the book (the transposed erratum) is written as
it was computed: ``weight_delta[wlrec→hurt] = 8.5 × (−0.02) = −0.17 (as printed: toes × delta[win])``.

Every number is written as everywhere else in the window (:mod:`gdviz.core.numbers`: the digits
the learner chose), and every line is true as written. An operand that is negative or in
exponent form is bracketed (``(−0.14)²``, ``(5.5511151e−17)²``). Each number written stands for
itself to the precision shown (half a unit of its last digit), so ``0.99061772 − 1 =
−0.0093822772`` is true; where the float the computer got is not what its operands give in
decimal, even written with every digit, the line says so::

    pred = 1×0.1 + 1×0.2 + 1×(−0.3) = 5.5511151e−17  (≈ 0 in decimal: binary rounding)

(the operands' decimals, as Python's ``repr`` writes them, give exactly 0; the float sum does
not). A result too large for a float says ``(overflow: too large for a float)``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from itertools import islice

import numpy as np
from numpy.typing import NDArray

from gdviz.core.dataset import edge_name
from gdviz.core.log import NO_EXAMPLE, IterationLog
from gdviz.core.numbers import (
    DEFAULT_DIGITS,
    EVERY,
    MINUS,
    Digits,
    decimal_of,
    format_decimal,
    format_number,
    is_exponent_form,
)

BINARY_ROUNDING = "  (≈ {} in decimal: binary rounding)"
OVERFLOW = "  (overflow: too large for a float)"
# every sum of products of two floats exact: such a product lies between ~1e−647 and ~1e617 with
# at most ~35 significant digits, so 1,400 digits hold any of their sums whole. (A coefficient
# takes only the digits it uses: the usual line costs no more than at 28. With 200, a term of
# 8e−256 was lost beside 1.6e+50, and the 17-digit rounding of the sum came out one unit off.)
EXACT = Context(prec=1400, Emax=10**6, Emin=-(10**6))


@dataclass(frozen=True)
class Line:
    text: str
    output: int
    input: int | None = None  # the weight's input for weight lines; None for an output's lines
    phase: str = "predict"  # predict, compare or learn: which step of the iteration it belongs to


def number(value: float, digits: Digits = DEFAULT_DIGITS) -> str:
    """A value as the window writes it (see :func:`gdviz.core.numbers.format_number`)."""
    return format_number(value, digits)


def operand(value: float, digits: Digits = DEFAULT_DIGITS, leading: bool = False) -> str:
    """A value inside an expression: bracketed when negative (``(−0.1)``) or in exponent form
    (``(5.5e−17)``); a negative one that leads its expression stays bare (``−0.14 × 8.5``)."""
    text = number(value, digits)
    negative = text.startswith(MINUS) and not leading
    return f"({text})" if negative or is_exponent_form(text) else text


def exact(value: float, digits: Digits = EVERY) -> Decimal:
    """The decimal a float's every digit writes (its shortest repr): what the learner reads with
    View → Digits → every digit, and what "in decimal" means in a line's note. Below the normal
    floats (5e−324 …) the shortest repr is far coarser than ``digits`` digits of the float
    (``4.941e−324``), so there, with ``digits`` digits shown, the float's exact binary value."""
    value = float(value)
    if digits is not EVERY and 0 < abs(value) < sys.float_info.min:
        return Decimal(value)
    return Decimal(repr(value))


def rounded(decimal: Decimal, digits: int) -> Decimal:
    """``decimal`` to ``digits`` significant digits (half to even)."""
    return Decimal(format(decimal, f".{digits - 1}e"))


def result(value: float, full: Decimal | None, written: Decimal | None, digits: Digits) -> str:
    """A line's right side, from its "=": ``value`` (the float computed) against ``full`` (what
    its operands give, each with every digit) and ``written`` (what they give as written); None
    when an operand is not finite, and nothing can be said in decimal.

    ``= 0.86`` when the written operands give the result to the digits shown; ``≈ −0.0093822772``
    when they give it only to their own precision (``0.99061772 − 1``: pred has more digits than
    shown); ``= 5.5511151e−17  (≈ 0 in decimal: binary rounding)`` when even every digit of the
    operands does not give the float the computer got."""
    text = number(value, digits)
    if full is None or written is None:
        return f"= {text}"
    if not math.isfinite(value):
        return f"= {text}{OVERFLOW}"
    if digits is EVERY:
        same = float(full) == value  # its text reads back as the float that decimal rounds to
    else:
        same = rounded(full, digits) == decimal_of(text)  # equal to `digits` digits
    if not same:
        return f"= {text}{BINARY_ROUNDING.format(format_decimal(full, digits))}"
    if digits is not EVERY and rounded(written, digits) != decimal_of(text):
        return f"≈ {text}"
    return f"= {text}"


Expression = Callable[[list[Decimal]], Decimal]  # a line's left side, of its operands in order


def sum_of_products(v: list[Decimal]) -> Decimal:
    return sum((a * b for a, b in zip(v[0::2], v[1::2])), Decimal(0))


def minus(v: list[Decimal]) -> Decimal:
    return v[0] - v[1]


def squared(v: list[Decimal]) -> Decimal:
    return v[0] ** 2


def times(v: list[Decimal]) -> Decimal:
    return v[0] * v[1]


def update(v: list[Decimal]) -> Decimal:  # weight − alpha × weight_delta
    return v[0] - v[1] * v[2]


def finite(*values: float) -> bool:
    return all(math.isfinite(float(v)) for v in values)


def frozen_at(log: IterationLog, row: int, frozen_now: np.ndarray | None = None) -> NDArray[np.bool_]:
    """Which weights were frozen at log row ``row``: those whose weight_delta is 0 where the
    product the update takes is not (a frozen weight gets 0 instead). In ``batch`` mode the
    product is a mean over examples the row does not hold, so there the weights frozen now
    whose weight_delta was 0 count as frozen."""
    weight_deltas = log.weight_deltas[row]
    zero: NDArray[np.bool_] = weight_deltas == 0
    if log.example[row] == NO_EXAMPLE:
        now: NDArray[np.bool_] = np.zeros(zero.shape, bool) if frozen_now is None else np.asarray(frozen_now, bool)
        return zero & now
    x, delta = log.inputs[row], log.delta[row]
    with np.errstate(over="ignore", invalid="ignore"):  # 1e300 typed in: an inf product is still not 0
        product = np.outer(x, delta) if log.as_printed[row] else np.outer(delta, x)
    frozen: NDArray[np.bool_] = zero & (product != 0) | zero & (np.zeros(zero.shape, bool) if frozen_now is None
                                                                else np.asarray(frozen_now, bool))
    return frozen


def iteration_lines(log: IterationLog, row: int, input_names: Sequence[str], output_names: Sequence[str],
                    frozen: np.ndarray | None = None, digits: Digits = DEFAULT_DIGITS,
                    outputs: Sequence[int] | None = None) -> list[Line]:
    """The lines for log row ``row`` (every output and weight, or those of ``outputs``), its
    numbers written with ``digits``. ``frozen``: the weights frozen now, a hint where the row
    cannot tell (see :func:`frozen_at`)."""
    with localcontext(EXACT):
        return list(_each_line(log, row, input_names, output_names, frozen, digits, outputs))


def iteration_lines_in_parts(log: IterationLog, row: int, input_names: Sequence[str], output_names: Sequence[str],
                             frozen: np.ndarray | None = None, digits: Digits = DEFAULT_DIGITS,
                             outputs: Sequence[int] | None = None, lines_per_part: int = 64) -> Iterator[list[Line]]:
    """The lines of :func:`iteration_lines`, ``lines_per_part`` at a time, each part worked out
    when it is asked for (a window writes a 784-input output's 1,571 lines over several turns of
    its event loop, never stalling it): joined, the same lines."""
    each = _each_line(log, row, input_names, output_names, frozen, digits, outputs)
    while True:
        with localcontext(EXACT):  # around each part: between parts the caller's own context is back
            part = list(islice(each, lines_per_part))
        if not part:
            return
        yield part


def _each_line(log: IterationLog, row: int, input_names: Sequence[str], output_names: Sequence[str],
               frozen: np.ndarray | None, digits: Digits, outputs: Sequence[int] | None) -> Iterator[Line]:
    x, t = log.inputs[row].tolist(), log.targets[row].tolist()
    pred, delta, error = log.pred[row].tolist(), log.delta[row].tolist(), log.error[row].tolist()
    weights, weight_deltas, alpha = log.weights[row].tolist(), log.weight_deltas[row].tolist(), float(log.alpha[row])
    batch = log.example[row] == NO_EXAMPLE
    printed = bool(log.as_printed[row]) and len(input_names) > 1  # 1×1: both updates are the same
    single = len(output_names) == 1
    frozen = frozen_at(log, row, frozen)
    n = len(input_names)

    def num(value: float) -> str:
        return number(value, digits)

    def opd(value: float, leading: bool = False) -> str:
        return operand(value, digits, leading)

    def dec(value: float) -> Decimal:
        return exact(value, digits)

    def shown(value: float) -> Decimal:  # the decimal a number's text on the line writes
        return decimal_of(number(value, digits))

    def both(expression: Expression, *values: float) -> tuple[Decimal | None, Decimal | None]:
        """``expression`` of ``values`` worked out on every digit of them, and on them as written."""
        if not finite(*values):
            return None, None
        return expression([dec(v) for v in values]), expression([shown(v) for v in values])

    if batch:
        yield Line("batch: each number is the mean over every example", -1)
    for o, out in enumerate(output_names):
        if outputs is not None and o not in outputs:
            continue
        tag = "" if single else f"[{out}]"
        w_o = weights[o]
        terms = " + ".join(f"{opd(x[i], i == 0)}×{opd(w_o[i])}" for i in range(n))
        total = both(sum_of_products, *(v for i in range(n) for v in (x[i], w_o[i])))
        yield Line(f"pred{tag} = {terms} {result(pred[o], *total, digits)}", o)
        difference = both(minus, pred[o], t[o])
        yield Line(f"delta{tag} = {opd(pred[o], True)} {MINUS} {opd(t[o])} "
                          f"{result(delta[o], *difference, digits)}", o, phase="compare")
        if batch:
            yield Line(f"error{tag} = mean of (pred {MINUS} target)² = {num(error[o])}", o,
                              phase="compare")
        else:
            square = both(squared, delta[o])
            yield Line(f"error{tag} = {opd(delta[o])}² {result(error[o], *square, digits)}", o,
                              phase="compare")
        for i, name in enumerate(input_names):
            edge = name if single else edge_name(name, out, screen=True)
            w, wd = w_o[i], weight_deltas[o][i]
            after = w - wd * alpha
            if frozen[o, i]:
                yield Line(f"weight_delta[{edge}] = 0 (frozen)", o, i, "learn")
                yield Line(f"w[{edge}] = {num(w)} (frozen)", o, i, "learn")
                continue
            note = ""
            if printed:  # weight_deltas[o][i] = input[o] × delta[i]
                used = f"{input_names[o]} × delta[{output_names[i]}]"
                how = f"mean of {used}" if batch else f"{opd(x[o], True)} × {opd(delta[i])}"
                product = both(times, x[o], delta[i])
                note = "" if batch else f"  (as printed: {used})"
            elif batch:
                how = f"mean of delta × {name}"
            else:
                how = f"{opd(delta[o], True)} × {opd(x[i])}"
                product = both(times, delta[o], x[i])
            right = f"= {num(wd)}" if batch else result(wd, *product, digits)
            yield Line(f"weight_delta[{edge}] = {how} {right}{note}", o, i, "learn")
            moved = both(update, w, alpha, wd)
            yield Line(f"w[{edge}] = {opd(w, True)} {MINUS} {opd(alpha)} × {opd(wd)} "
                              f"{result(after, *moved, digits)}", o, i, "learn")
