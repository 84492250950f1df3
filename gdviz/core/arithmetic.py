"""One iteration's arithmetic written out the way the book writes it, with the real numbers.

    pred = 8.5×0.1 + 0.65×0.2 + 1.2×(−0.1) = 0.86
    delta = 0.86 − 1 = −0.14
    error = (−0.14)² = 0.0196
    weight_delta[toes] = −0.14 × 8.5 = −1.19
    w[toes] = 0.1 − 0.01 × (−1.19) = 0.1119

With several outputs the names carry the output: ``pred[win]``, ``weight_delta[toes→win]``.
An iteration that used the update as printed in the book (the transposed erratum) is written as
it was computed: ``weight_delta[wlrec→hurt] = 8.5 × (−0.02) = −0.17 (as printed: toes × delta[win])``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gdviz.core.dataset import edge_name
from gdviz.core.log import NO_EXAMPLE, IterationLog

MINUS = "−"


@dataclass(frozen=True)
class Line:
    text: str
    output: int
    input: int | None = None  # the weight's input for weight lines; None for an output's lines
    phase: str = "predict"  # predict, compare or learn: which step of the iteration it belongs to


def number(value: float) -> str:
    """A value as the book prints it: up to 8 significant digits, a real minus sign."""
    return f"{float(value):.8g}".replace("-", MINUS)


def operand(value: float, digits: int = 8) -> str:
    """A value that follows an operator: negative ones in parentheses, ``(−0.1)``."""
    text = number(value) if digits == 8 else exact(value)
    return f"({text})" if text.startswith(MINUS) else text


def exact(value: float) -> str:
    """Every digit of ``value`` (the shortest text that reads back as it), with a real minus sign;
    a whole number without ``.0``, as :func:`number` writes it (``1``, not ``1.0``)."""
    text = repr(float(value))
    return text.removesuffix(".0").replace("-", MINUS)


def difference(minuend: float, subtrahend: float, result: float) -> tuple[str, str]:
    """``minuend`` and ``subtrahend`` written so that their difference reads as ``result``: with 8
    digits when those show it, with every digit when rounding would hide it (``0.1 − 0.1 =
    2.7755576e-17`` reads as a contradiction; ``0.10000000000000003 − 0.1`` does not)."""
    rounded = float(number(minuend).replace(MINUS, "-")) - float(number(subtrahend).replace(MINUS, "-"))
    if f"{rounded:.8g}" == f"{result:.8g}":
        return number(minuend), operand(subtrahend)
    return exact(minuend), operand(subtrahend, digits=17)


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
    product = np.outer(x, delta) if log.as_printed[row] else np.outer(delta, x)
    frozen: NDArray[np.bool_] = zero & (product != 0) | zero & (np.zeros(zero.shape, bool) if frozen_now is None
                                                                else np.asarray(frozen_now, bool))
    return frozen


def iteration_lines(log: IterationLog, row: int, input_names: Sequence[str], output_names: Sequence[str],
                    frozen: np.ndarray | None = None) -> list[Line]:
    """The lines for log row ``row`` (every output and weight). ``frozen``: the weights frozen
    now, a hint where the row cannot tell (see :func:`frozen_at`)."""
    x, t = log.inputs[row], log.targets[row]
    pred, delta, error = log.pred[row], log.delta[row], log.error[row]
    weights, weight_deltas, alpha = log.weights[row], log.weight_deltas[row], float(log.alpha[row])
    batch = log.example[row] == NO_EXAMPLE
    printed = bool(log.as_printed[row]) and len(input_names) > 1  # 1×1: both updates are the same
    single = len(output_names) == 1
    frozen = frozen_at(log, row, frozen)
    lines: list[Line] = []
    if batch:
        lines.append(Line("batch: each number is the mean over every example", -1))
    for o, out in enumerate(output_names):
        tag = "" if single else f"[{out}]"
        terms = " + ".join(f"{number(x[i])}×{operand(weights[o, i])}" for i in range(len(input_names)))
        lines.append(Line(f"pred{tag} = {terms} = {number(pred[o])}", o))
        minuend, subtrahend = difference(pred[o], t[o], delta[o])
        lines.append(Line(f"delta{tag} = {minuend} {MINUS} {subtrahend} = {number(delta[o])}",
                          o, phase="compare"))
        if batch:
            lines.append(Line(f"error{tag} = mean of (pred {MINUS} target)² = {number(error[o])}", o,
                              phase="compare"))
        else:
            lines.append(Line(f"error{tag} = {operand(delta[o])}² = {number(error[o])}", o, phase="compare"))
        for i, name in enumerate(input_names):
            edge = name if single else edge_name(name, out, screen=True)
            after = weights[o, i] - weight_deltas[o, i] * alpha
            if frozen[o, i]:
                lines.append(Line(f"weight_delta[{edge}] = 0 (frozen)", o, i, "learn"))
                lines.append(Line(f"w[{edge}] = {number(weights[o, i])} (frozen)", o, i, "learn"))
                continue
            note = ""
            if printed:  # weight_deltas[o][i] = input[o] × delta[i]
                used = f"{input_names[o]} × delta[{output_names[i]}]"
                how = f"mean of {used}" if batch else f"{number(x[o])} × {operand(delta[i])}"
                note = "" if batch else f"  (as printed: {used})"
            elif batch:
                how = f"mean of delta × {name}"
            else:
                how = f"{number(delta[o])} × {operand(x[i])}"
            lines.append(Line(f"weight_delta[{edge}] = {how} = {number(weight_deltas[o, i])}{note}",
                              o, i, "learn"))
            lines.append(Line(f"w[{edge}] = {number(weights[o, i])} {MINUS} {number(alpha)} × "
                              f"{operand(weight_deltas[o, i])} = {number(after)}", o, i, "learn"))
    return lines
