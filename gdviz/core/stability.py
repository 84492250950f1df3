"""The largest alpha for which gradient descent on this data does not blow up, in each mode.

Each output's weights move independently of the others', and a frozen weight only shifts that
output's pred, so the bound is worked out per output over the inputs whose weights may move
(``x`` below), and the network's bound is the smallest:

- ``example``: each step multiplies delta by ``1 - alpha·‖x‖²``, so training diverges when
  ``alpha > 2/‖x‖²``.
- ``batch``: the mean update multiplies the error's directions by ``1 - alpha·λ`` for each
  eigenvalue λ of the mean of ``x·xᵀ``: the bound is ``2/λmax``.
- ``cycle``: one cycle over the K examples multiplies the weights' error by
  ``P = (I - alpha·x_K·x_Kᵀ) … (I - alpha·x_1·x_1ᵀ)``; training diverges where P's spectral
  radius passes 1. There is no formula, so the bound is found numerically: the spectral radius
  is scanned over alphas up to twice the largest per-example bound, then the first crossing is
  bisected to 1e-12. ``P`` acts as the identity outside the span of the examples' inputs, so it
  is worked out in that span (at most K dimensions), one example at a time as a rank-one update
  (``P ← P − alpha·x·(xᵀP)``). Below the smallest per-example bound ``2/max‖x‖²`` every factor
  shrinks or keeps every direction, so the scan starts there. When one cycle's product is too
  much work to scan (K·d² above CYCLE_WORK, e.g. 60,000 images of 784 pixels) the bound given
  is that smallest per-example bound: a safe alpha, perhaps not the largest.

The bounds are for the book's (correct) update; the printed erratum is not a gradient step.
"""

from __future__ import annotations

import functools
import math
import weakref

import numpy as np

from gdviz.core.dataset import DataSet

SCAN_POINTS = 400
"""Alphas tried in a cycle bound's scan before bisecting the first unstable one."""

SQUARE_LIMIT = 1e150
"""Inputs past this are too large for their sums of squares (‖x‖², λmax) to be worked out: bound 0."""

CYCLE_WORK = 50_000_000
"""Examples × dimensions² past which a cycle's bound is not scanned (one product costs that many
multiply-adds, and a scan takes a hundred or so)."""

UNSTABLE = 1 + 1e-9
"""A spectral radius above this is growth (1 itself: directions no example touches stay put)."""


def _example_bound(x: np.ndarray) -> float:
    norm2 = float(np.sum(x * x))
    return 2.0 / norm2 if norm2 > 0 else math.inf


def _batch_bound(inputs: np.ndarray) -> float:
    if inputs.size == 0:
        return math.inf
    largest = float(np.linalg.eigvalsh(inputs.T @ inputs / inputs.shape[0])[-1])
    return 2.0 / largest if largest > 0 else math.inf


def _cycle_radius(coordinates: np.ndarray, alpha: float) -> float:
    """Spectral radius of one cycle's update, the examples given in an orthonormal basis of their span."""
    product = np.eye(coordinates.shape[1])
    with np.errstate(all="ignore"):
        for c in coordinates:
            product -= alpha * np.outer(c, c @ product)  # (I − alpha·c·cᵀ) @ product
    if not np.isfinite(product).all():
        return math.inf  # it grew past what a float holds
    return float(np.max(np.abs(np.linalg.eigvals(product))))


def _cycle_bound(inputs: np.ndarray) -> float:
    nonzero = inputs[np.any(inputs != 0, axis=1)]
    if nonzero.shape[0] == 0:
        return math.inf
    if nonzero.shape[0] == 1:
        return _example_bound(nonzero[0])
    squares = np.einsum("ij,ij->i", nonzero, nonzero)
    squares = squares[squares > 0]  # (a row of 1e-200s squares to 0: no bound of its own)
    if squares.size == 0:
        return math.inf
    surely_stable = 2.0 / float(squares.max())  # every factor shrinks or keeps each direction
    if nonzero.shape[0] * min(nonzero.shape) ** 2 > CYCLE_WORK:
        return surely_stable
    basis, _ = np.linalg.qr(inputs.T)  # columns span the examples' inputs
    coordinates = inputs @ basis  # each example in that basis (zero rows stay zero: identity)
    largest = 2.0 / float(squares.min())
    alphas = np.linspace(0.0, 2.0 * largest, SCAN_POINTS + 1)[1:]
    stable = 0.0
    for alpha in alphas[alphas < surely_stable]:
        stable = float(alpha)
    for alpha in alphas[alphas >= surely_stable]:
        if _cycle_radius(coordinates, float(alpha)) > UNSTABLE:
            unstable = float(alpha)
            break
        stable = float(alpha)
    else:
        return math.inf  # nothing grows even at twice the largest per-example bound
    while unstable - stable > 1e-12 * unstable:
        middle = (stable + unstable) / 2
        if _cycle_radius(coordinates, middle) > UNSTABLE:
            unstable = middle
        else:
            stable = middle
    return stable


@functools.lru_cache(maxsize=256)
def _bound_for(mode: str, inputs_bytes: bytes | np.ndarray, shape: tuple[int, int], example: int) -> float:
    inputs = np.frombuffer(inputs_bytes).reshape(shape) if isinstance(inputs_bytes, bytes) else inputs_bytes
    # inputs so large (1e300 typed into the data) that ‖x‖² overflows: no alpha is stable
    with np.errstate(over="ignore", invalid="ignore"):
        used = inputs[example] if mode == "example" else inputs
        # largest and smallest without a squared copy (60,000 × 784 inputs: a 376 MB temporary)
        if used.size and not max(abs(float(used.max())), abs(float(used.min()))) < SQUARE_LIMIT:
            return 0.0
        try:
            if mode == "batch":
                return _batch_bound(inputs)
            if mode == "cycle":
                return _cycle_bound(inputs)
        except np.linalg.LinAlgError:  # sums of squares past what a float holds
            return 0.0
        return _example_bound(inputs[example])


BIG_INPUTS = 1 << 16
"""Data sets with more input values than this (a learner's 60,000 × 784 images) are remembered
by the identity of their read-only inputs, not by a copy of their bytes: copying and hashing
hundreds of MB held the GIL for a second, every time the hint asked."""
_big_bounds: dict[tuple[int, str, int, tuple[bool, ...]], tuple[weakref.ref[np.ndarray], float]] = {}


def stable_alpha(data: DataSet, mode: str, example: int = 0, frozen: np.ndarray | None = None) -> float:
    """The largest stable alpha for ``mode`` (``inf`` when no weight can move or x is 0)."""
    frozen_mask = np.zeros((data.n_outputs, data.n_inputs), bool) if frozen is None else np.asarray(frozen, bool)
    bounds = [math.inf]
    for movable in {tuple(~row) for row in frozen_mask}:  # outputs with the same movable weights agree
        if data.inputs.size > BIG_INPUTS:
            bounds.append(_big_bound(data, mode, int(example), movable))
            continue
        inputs = np.ascontiguousarray(data.inputs[:, np.array(movable, dtype=bool)])
        bounds.append(_bound_for(mode, inputs.tobytes(), inputs.shape, int(example)))
    return min(bounds)


BATCH_WORK = 20_000_000
"""Multiply-adds (examples × inputs²) of a batch bound's mean of x·xᵀ worked out at once (the
digits' 1,797 × 64²: under 1 ms); past them (60,000 × 784²: ~2.5 s) it is worked out on a thread."""


def needs_work(data: DataSet, mode: str, example: int = 0, frozen: np.ndarray | None = None) -> bool:
    """Whether :func:`stable_alpha` would read a big data set whole (a batch bound over 60,000 ×
    784 inputs: 2.5 s; a cycle bound over the digits' 1,797 × 64: 1.8 s), not answer from what it
    worked out before: then a window works it out on another thread."""
    examples, inputs = data.inputs.shape
    if data.inputs.size <= BIG_INPUTS or mode == "example" or mode == "batch" and examples * inputs ** 2 <= BATCH_WORK:
        return False
    frozen_mask = np.zeros((data.n_outputs, data.n_inputs), bool) if frozen is None else np.asarray(frozen, bool)
    for movable in {tuple(~row) for row in frozen_mask}:
        known = _big_bounds.get((id(data.inputs), mode, 0, movable))
        if known is None or known[0]() is not data.inputs:
            return True
    return False


def _big_bound(data: DataSet, mode: str, example: int, movable: tuple[bool, ...]) -> float:
    key = (id(data.inputs), mode, example if mode == "example" else 0, movable)
    known = _big_bounds.get(key)
    if known is not None and known[0]() is data.inputs:
        return known[1]
    mask = np.array(movable, dtype=bool)
    inputs = data.inputs if mask.all() else np.ascontiguousarray(data.inputs[:, mask])
    bound = _bound_for.__wrapped__(mode, inputs, inputs.shape, example)
    for stale in [k for k, (ref, _) in _big_bounds.items() if ref() is None]:
        del _big_bounds[stale]
    _big_bounds[key] = (weakref.ref(data.inputs), bound)
    return bound


def bound_formula(mode: str) -> str:
    """How :func:`stable_alpha` got its number, in the learner's terms."""
    return {
        "batch": "2/λmax(mean of x·xᵀ) over the data set",
        "cycle": "the bound for one whole cycle over the examples",
    }.get(mode, "2/‖x‖² for this example")


def bound_text(bound: float, alpha: float) -> str:
    """The bound with enough significant digits (at least 4) that it never reads like ``alpha``."""
    for digits in range(4, 18):
        text = f"{bound:.{digits}g}"
        if (alpha == bound) == (f"{alpha:.{digits}g}" == text):
            return text
    return repr(bound)
