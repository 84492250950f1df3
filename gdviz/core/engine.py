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

import numpy as np

from gdviz.core.log import NO_EXAMPLE, IterationLog


def run_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
             targets: np.ndarray, examples: np.ndarray | int, trainable: np.ndarray | None) -> None:
    """Compute rows ``start`` … ``start + count - 1`` of ``log`` for single-example iterations.

    ``inputs``/``targets`` are either one example (1-D, repeated) or one row per iteration.
    ``log.storage('weights')[start]`` must hold the weights before the first iteration; the
    weights after the last are left in row ``start + count``. ``trainable`` is 1.0 where a weight
    may move and 0.0 where it is frozen (None when nothing is frozen).
    """
    stop = start + count
    weights = log.storage("weights")
    pred, delta = log.storage("pred"), log.storage("delta")
    weight_deltas = log.storage("weight_deltas")
    log.storage("inputs")[start:stop] = inputs
    log.storage("targets")[start:stop] = targets
    x_rows, t_rows = log.storage("inputs"), log.storage("targets")
    step = np.empty(weights.shape[1:])  # alpha * weight_deltas, reused
    alpha_array = np.array(alpha)  # a 0-d array multiplies faster than a Python float
    delta_columns = delta[:, :, None]  # row i is delta[i] as an M×1 column
    dot, subtract, multiply = np.dot, np.subtract, np.multiply
    frozen = None if trainable is None else trainable == 0.0
    for i in range(start, stop):
        x, p, w, wd = x_rows[i], pred[i], weights[i], weight_deltas[i]
        dot(w, x, out=p)
        subtract(p, t_rows[i], out=delta[i])
        multiply(delta_columns[i], x, out=wd)
        if frozen is not None:
            np.putmask(wd, frozen, 0.0)
        multiply(wd, alpha_array, out=step)
        subtract(w, step, out=weights[i + 1])
    _finish_rows(log, start, stop, alpha, examples)
    np.square(delta[start:stop], out=log.storage("error")[start:stop])
    log.storage("error_total")[start:stop] = log.storage("error")[start:stop].sum(axis=1)


def run_batch_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
                   targets: np.ndarray, trainable: np.ndarray | None) -> None:
    """Like :func:`run_rows`, but each iteration uses the mean over all examples (``batch``)."""
    stop = start + count
    weights = log.storage("weights")
    pred, delta, error = log.storage("pred"), log.storage("delta"), log.storage("error")
    weight_deltas = log.storage("weight_deltas")
    n_examples = inputs.shape[0]
    all_pred = np.empty((n_examples, targets.shape[1]))
    all_delta = np.empty_like(all_pred)
    step = np.empty(weights.shape[1:])
    frozen = None if trainable is None else trainable == 0.0
    for i in range(start, stop):
        np.matmul(inputs, weights[i].T, out=all_pred)
        np.subtract(all_pred, targets, out=all_delta)
        np.matmul(all_delta.T, inputs, out=weight_deltas[i])
        weight_deltas[i] /= n_examples
        if frozen is not None:
            np.putmask(weight_deltas[i], frozen, 0.0)
        np.mean(all_pred, axis=0, out=pred[i])
        np.mean(all_delta, axis=0, out=delta[i])
        np.square(all_delta, out=all_delta)
        np.mean(all_delta, axis=0, out=error[i])
        np.multiply(weight_deltas[i], alpha, out=step)
        np.subtract(weights[i], step, out=weights[i + 1])
    log.storage("inputs")[start:stop] = inputs.mean(axis=0)
    log.storage("targets")[start:stop] = targets.mean(axis=0)
    _finish_rows(log, start, stop, alpha, NO_EXAMPLE)
    log.storage("error_total")[start:stop] = error[start:stop].sum(axis=1)


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
