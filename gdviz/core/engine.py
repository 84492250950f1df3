"""The gradient descent arithmetic, written straight into the iteration log's rows.

For one example with inputs ``x`` (N) and targets ``t`` (M), and weights ``W`` (M×N, indexed
``[output][input]``), one iteration is the book's::

    pred          = W @ x                  # weighted sum per output
    delta         = pred - t
    error         = delta ** 2             # per output; error_total is their sum
    weight_deltas = outer(delta, x)        # weight_deltas[o][i] = delta[o] * x[i]
    W             = W - alpha * weight_deltas

Frozen weights get a weight_delta of 0 (as the book does with ``weight_deltas[0] = 0``).
In ``batch`` mode the weight_deltas are the mean over every example of the per-example
weight_deltas, and the record holds the means over the examples of inputs, targets, pred and
delta, and the mean error per output (so ``error`` is the mean squared error).

Each loop below runs many iterations on the log's preallocated arrays: row ``i`` of
``weights`` is read, the update is written to row ``i + 1``, and nothing is allocated per
iteration. The loops are separate functions so that each stays as short as the arithmetic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from gdviz.core.log import NO_EXAMPLE, IterationLog


class Loops(NamedTuple):
    """The two inner loops; see :func:`numpy_rows` and :func:`numpy_batch` for the contract.

    ``gdviz.compiled`` provides the same loops compiled with numba, which run without the GIL.
    """

    rows: Callable
    batch: Callable


def numpy_rows(weights, pred, delta, weight_deltas, x_rows, t_rows, start, stop, alpha, frozen,
               transposed=False):
    """Single-example iterations ``start`` … ``stop - 1`` on the log's arrays.

    Reads ``weights[i]``, ``x_rows[i]``, ``t_rows[i]``; writes ``pred[i]``, ``delta[i]``,
    ``weight_deltas[i]`` and the updated weights to ``weights[i + 1]``. ``frozen`` is a bool
    M×N mask (None when nothing is frozen). ``transposed`` reproduces the printed book's
    erratum, ``outer(input, delta)`` (square networks only; see :data:`PRINTED_LOOPS`).
    """
    step = np.empty(weights.shape[1:])  # alpha * weight_deltas, reused
    alpha_array = np.array(alpha)  # a 0-d array multiplies faster than a Python float
    delta_columns = delta[:, :, None]  # row i is delta[i] as an M×1 column
    # weight_deltas[o][i] = delta[o] * x[i]; as printed: x[o] * delta[i]
    left, right = (x_rows[:, :, None], delta) if transposed else (delta_columns, x_rows)
    dot, subtract, multiply = np.dot, np.subtract, np.multiply
    for i in range(start, stop):
        x, p, w, wd = x_rows[i], pred[i], weights[i], weight_deltas[i]
        dot(w, x, out=p)
        subtract(p, t_rows[i], out=delta[i])
        multiply(left[i], right[i], out=wd)
        if frozen is not None:
            np.putmask(wd, frozen, 0.0)
        multiply(wd, alpha_array, out=step)
        subtract(w, step, out=weights[i + 1])


def numpy_batch(weights, pred, delta, error, weight_deltas, inputs, targets, start, stop, alpha, frozen,
                transposed=False):
    """Batch iterations: like :func:`numpy_rows` with every example at once (K×N ``inputs``).

    Writes the mean pred and delta over the examples, the mean error per output, and the mean
    weight_deltas.
    """
    n_examples = inputs.shape[0]
    count = stop - start
    all_pred = np.empty((count, n_examples, targets.shape[1]))
    all_delta = np.empty_like(all_pred)
    step = np.empty(weights.shape[1:])
    alpha_array = np.array(alpha)
    matmul, subtract, multiply = np.matmul, np.subtract, np.multiply
    for j, i in enumerate(range(start, stop)):
        p, d, wd = all_pred[j], all_delta[j], weight_deltas[i]
        matmul(inputs, weights[i].T, out=p)
        subtract(p, targets, out=d)
        if transposed:
            matmul(inputs.T, d, out=wd)
        else:
            matmul(d.T, inputs, out=wd)
        wd /= n_examples
        if frozen is not None:
            np.putmask(wd, frozen, 0.0)
        multiply(wd, alpha_array, out=step)
        subtract(weights[i], step, out=weights[i + 1])
    all_pred.mean(axis=1, out=pred[start:stop])
    all_delta.mean(axis=1, out=delta[start:stop])
    np.square(all_delta, out=all_delta).mean(axis=1, out=error[start:stop])


NUMPY_LOOPS = Loops(numpy_rows, numpy_batch)
PRINTED_LOOPS = Loops(functools.partial(numpy_rows, transposed=True),
                      functools.partial(numpy_batch, transposed=True))
"""The update as printed in the book's many-to-many listing, ``W -= alpha * outer(input, delta)``:
the transpose of the right one (an erratum; only square networks can even run it)."""


def run_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
             targets: np.ndarray, examples: np.ndarray | int, frozen: np.ndarray | None,
             loops: Loops = NUMPY_LOOPS) -> None:
    """Compute rows ``start`` … ``start + count - 1`` of ``log`` for single-example iterations.

    ``inputs``/``targets`` are either one example (1-D, repeated) or one row per iteration.
    ``log.storage('weights')[start]`` must hold the weights before the first iteration; the
    weights after the last are left in row ``start + count``.
    """
    stop = start + count
    log.storage("inputs")[start:stop] = inputs
    log.storage("targets")[start:stop] = targets
    loops.rows(log.storage("weights"), log.storage("pred"), log.storage("delta"),
               log.storage("weight_deltas"), log.storage("inputs"), log.storage("targets"),
               start, stop, alpha, frozen)
    _finish_rows(log, start, stop, alpha, examples)
    np.square(log.storage("delta")[start:stop], out=log.storage("error")[start:stop])
    log.storage("error_total")[start:stop] = log.storage("error")[start:stop].sum(axis=1)


def run_batch_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
                   targets: np.ndarray, frozen: np.ndarray | None, loops: Loops = NUMPY_LOOPS) -> None:
    """Like :func:`run_rows`, but each iteration uses the mean over all examples (``batch``)."""
    stop = start + count
    loops.batch(log.storage("weights"), log.storage("pred"), log.storage("delta"), log.storage("error"),
                log.storage("weight_deltas"), inputs, targets, start, stop, alpha, frozen)
    log.storage("inputs")[start:stop] = inputs.mean(axis=0)
    log.storage("targets")[start:stop] = targets.mean(axis=0)
    _finish_rows(log, start, stop, alpha, NO_EXAMPLE)
    log.storage("error_total")[start:stop] = log.storage("error")[start:stop].sum(axis=1)


def _finish_rows(log: IterationLog, start: int, stop: int, alpha: float, examples) -> None:
    log.storage("alpha")[start:stop] = alpha
    log.storage("example")[start:stop] = examples


def first_bad_row(log: IterationLog, start: int, stop: int, growth_limit: float | None,
                  reference_error: float | None) -> int | None:
    """The first row in ``start``…``stop - 1`` that is not finite or grew past the limit.

    A row is bad when its total error or weight_deltas are not finite, when the weights its
    update produced are not finite, or when its total error exceeds
    ``growth_limit × reference_error``.
    """
    if stop <= start:
        return None
    total = log.storage("error_total")[start:stop]
    good = np.isfinite(total)
    good &= np.isfinite(log.storage("weight_deltas")[start:stop]).all(axis=(1, 2))
    good &= np.isfinite(log.storage("weights")[start + 1 : stop + 1]).all(axis=(1, 2))
    if growth_limit is not None and reference_error:
        good &= total <= growth_limit * reference_error
    if good.all():
        return None
    return start + int(np.argmin(good))
