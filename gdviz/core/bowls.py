"""The error as a function of one weight (a "bowl"), and of two: the chapter's figures.

Holding every other weight where it is, the error is a parabola in each weight. For the current
example (or the mean over the data set in ``batch`` mode) with inputs ``X`` (K×N) and targets
``T`` (K×M), moving weight ``[o][i]`` by ``s`` moves output ``o``'s predictions by ``s × X[:, i]``.

The numbers come from the learner: a diverged run's weights, 1e300 typed into the data. Their
squares overflow to inf (and inf − inf is NaN), which is the true answer in floating point; so the
arithmetic here runs under ``np.errstate(over/invalid="ignore")`` and returns inf or NaN, and the
views draw what is finite and say what is not (see :func:`drawable`). Only these functions'
arithmetic is silenced: a division by zero or an overflow anywhere else still warns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Beyond this size a number is not drawn: its square (an error) would overflow, and pyqtgraph's
# axes and colour bar need spans whose arithmetic stays finite. 1e150² = 1e300 < 1.8e308.
DRAWABLE = 1e150
TOO_LARGE = "values too large to draw"


def drawable(*values: ArrayLike) -> bool:
    """Whether every number in ``values`` is finite and no larger than :data:`DRAWABLE` in size."""
    with np.errstate(invalid="ignore"):
        return all(bool(np.all(np.abs(np.asarray(v, dtype=float)) <= DRAWABLE)) for v in values)


def _overflow_is_the_answer() -> np.errstate:
    return np.errstate(over="ignore", invalid="ignore")


def total_error(weights: np.ndarray, inputs: np.ndarray, targets: np.ndarray) -> float:
    """Mean over the examples (rows) of the summed squared error: Σ_o (pred_o − target_o)²."""
    with _overflow_is_the_answer():
        delta = inputs @ weights.T - targets
        return float(np.mean(np.sum(delta**2, axis=1)))


def error_along(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
                output: int, input_: int, values: ArrayLike) -> NDArray[np.float64]:
    """The total error with weight ``[output][input_]`` set to each of ``values``."""
    values = np.asarray(values, dtype=float)
    with _overflow_is_the_answer():
        delta = inputs @ weights.T - targets  # K×M at the current weights
        rest = np.sum(delta**2, axis=1) - delta[:, output] ** 2  # the other outputs do not change
        moved = delta[:, output][None, :] + (values - weights[output, input_])[:, None] * inputs[None, :, input_]
        errors: NDArray[np.float64] = np.mean(rest[None, :] + moved**2, axis=1)
    return errors


def slope(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
          output: int, input_: int) -> float:
    """d(total error)/d weight: 2 × the mean of delta × input (2 × the weight_delta)."""
    with _overflow_is_the_answer():
        delta = inputs @ weights[output] - targets[:, output]
        return float(2 * np.mean(delta * inputs[:, input_]))


def minimum(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
            output: int, input_: int) -> float | None:
    """The weight value at the bottom of the bowl (None when the error does not depend on it)."""
    x = inputs[:, input_]
    with _overflow_is_the_answer():
        curvature = np.mean(x * x)
        if curvature == 0:
            return None
        return float(weights[output, input_] - slope(weights, inputs, targets, output, input_) / (2 * curvature))


def bowl_range(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
               output: int, input_: int) -> tuple[float, float]:
    """A range of weight values that shows the current weight and the bottom with room around."""
    current = float(weights[output, input_])
    bottom = minimum(weights, inputs, targets, output, input_)
    if bottom is None:
        return current - 1.0, current + 1.0
    # (Python floats: a weight near 1e308 gives an inf range, which the views say they cannot draw)
    centre, half = (current + bottom) / 2, max(abs(current - bottom) * 0.8, 0.05, 0.1 * abs(bottom))
    return centre - 2 * half, centre + 2 * half


def surface(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
            first: tuple[int, int], second: tuple[int, int],
            first_values: Sequence[float] | NDArray[np.float64],
            second_values: Sequence[float] | NDArray[np.float64]) -> NDArray[np.float64]:
    """Total error over a grid: ``result[a, b]`` with weight ``first`` = ``first_values[a]`` and
    ``second`` = ``second_values[b]``, every other weight held."""
    grid = np.empty((len(first_values), len(second_values)))
    trial = np.array(weights, dtype=float)
    for a, value in enumerate(first_values):
        trial[first] = value
        grid[a] = error_along(trial, inputs, targets, second[0], second[1], second_values)
    return grid
