"""The gradient descent arithmetic in the book's order, written straight into the log's rows.

For one example with inputs ``x`` (N) and targets ``t`` (M), and weights ``W`` (M×N, indexed
``[output][input]``), one iteration is the book's, operation for operation::

    pred[o]              = 0; pred[o] += x[i] * W[o][i] for i = 0 … N-1   # the book's w_sum
    delta[o]             = pred[o] - t[o]
    error[o]             = delta[o] * delta[o]
    error_total          = 0; error_total += error[o] for o = 0 … M-1
    weight_deltas[o][i]  = delta[o] * x[i]                               # 0 for a frozen weight
    W[o][i]              = W[o][i] - alpha * weight_deltas[o][i]

``batch`` mode adds the per-example weight_deltas in example order ``0 … K-1`` (from 0), then
divides by K; its record holds the means of inputs, targets, pred, delta and error, each summed
the same way and divided by K. The update *as printed* in the book's many-to-many listing (an
erratum, square networks only) uses ``weight_deltas[o][i] = x[o] * delta[i]``.

Every sum is a plain left-to-right loop of separate multiplications and additions, so each
number is the same on every CPU: nothing here calls BLAS (``dot``, ``@``, ``matmul``, ``einsum``,
``tensordot``), whose summation order depends on the CPU's kernel, and numpy never fuses a
multiply and an add. The error is ``delta * delta``, the correctly rounded square; the book's
``(pred - true) ** 2`` goes through the C library's ``pow``, which glibc keeps within one unit in
the last place of it (equal on every number the chapter prints; ``tests/test_exactness.py``).

A :class:`Loops` runs many iterations on the log's preallocated arrays: row ``i`` of
``weights`` is read, the update is written to row ``i + 1``, and nothing is allocated per
iteration. :data:`NUMPY_LOOPS` is the reference; :mod:`gdviz.core.compiled` has the same loops
compiled with numba (bit for bit the same numbers), which run without the GIL.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gdviz.core.log import NO_EXAMPLE, IterationLog


class Loops(Protocol):
    """The two inner loops of the engine.

    ``rows`` does single-example iterations ``start … stop - 1``: it reads ``weights[i]``,
    ``inputs[i]`` and ``targets[i]`` of the log's storage and writes ``pred``, ``delta``,
    ``error``, ``error_total`` and ``weight_deltas`` of row ``i`` and the updated weights to
    ``weights[i + 1]``. ``batch`` does the same with every example of ``inputs`` (K×N) and
    ``targets`` (K×M) at once, writing the means. ``frozen`` is a bool M×N mask; ``transposed``
    is the update as printed in the book.
    """

    name: str

    def rows(self, log: IterationLog, start: int, stop: int, alpha: float, frozen: np.ndarray,
             transposed: bool) -> None: ...

    def batch(self, log: IterationLog, inputs: np.ndarray, targets: np.ndarray, start: int, stop: int,
              alpha: float, frozen: np.ndarray, transposed: bool) -> None: ...


def ordered_sum(values: np.ndarray, axis: int) -> np.ndarray:
    """The sum along ``axis`` in index order, starting from 0 (the book's loop), as a new array.

    numpy's ``sum`` adds in pairs from 8 terms on, so its last bit differs from the book's; an
    accumulation is sequential by definition.
    """
    values = np.moveaxis(np.asarray(values, dtype=np.float64), axis, 0)
    total = np.zeros(values.shape[1:])
    for part in values:
        total += part
    return total


def ordered_mean(values: np.ndarray, axis: int) -> np.ndarray:
    """:func:`ordered_sum` divided by the number of terms (the book's mean)."""
    terms: int = np.asarray(values).shape[axis]
    return ordered_sum(values, axis) / terms


class NumpyLoops:
    """The reference loops: numpy calls on small arrays, one iteration at a time.

    The weighted sums are taken with ``np.add.accumulate`` over the products with a row of
    zeros in front: ``((0 + x0·w0) + x1·w1) + …``, exactly the book's ``w_sum`` (an accumulation
    is sequential by definition, unlike ``sum``).
    """

    name = "numpy"

    def rows(self, log: IterationLog, start: int, stop: int, alpha: float, frozen: np.ndarray,
             transposed: bool) -> None:
        weights, pred, delta = log.storage("weights"), log.storage("pred"), log.storage("delta")
        weight_deltas = log.storage("weight_deltas")
        x_rows, t_rows = log.storage("inputs"), log.storage("targets")
        n_outputs, n_inputs = weights.shape[1:]
        # products[1 + i][o] = x[i] * W[o][i]; row 0 stays 0, so the sums start from 0. Summing
        # down the first axis keeps numpy's inner loop running along the outputs.
        products = np.zeros((n_inputs + 1, n_outputs))
        sums = np.empty((stop - start, n_inputs + 1, n_outputs))  # each iteration's running sums
        step = np.empty((n_outputs, n_inputs))  # alpha * weight_deltas
        alpha_array = np.array(alpha)  # a 0-d array multiplies faster than a Python float
        frozen_mask = frozen if frozen.any() else None
        multiply, subtract, accumulate, putmask = np.multiply, np.subtract, np.add.accumulate, np.putmask
        # the views the loop needs, made once (a view costs as much as a small multiply); a
        # ufunc's third argument is its output (positional: a keyword costs a tenth of the call)
        products_of_inputs, totals = products[1:], sums[:, -1]
        x_columns, weights_by_input = x_rows[:, :, None], weights.transpose(0, 2, 1)
        delta_columns = delta[:, :, None]
        for j, i in enumerate(range(start, stop)):
            x, wd, d = x_rows[i], weight_deltas[i], delta[i]
            multiply(x_columns[i], weights_by_input[i], products_of_inputs)
            accumulate(products, axis=0, out=sums[j])
            subtract(totals[j], t_rows[i], d)
            if transposed:  # as printed: weight_deltas[o][i] = x[o] * delta[i]
                multiply(x_columns[i], d, wd)
            else:
                multiply(delta_columns[i], x, wd)
            if frozen_mask is not None:
                putmask(wd, frozen_mask, 0.0)
            multiply(alpha_array, wd, step)
            subtract(weights[i], step, weights[i + 1])
        pred[start:stop] = totals
        _errors(log, start, stop)

    def batch(self, log: IterationLog, inputs: np.ndarray, targets: np.ndarray, start: int, stop: int,
              alpha: float, frozen: np.ndarray, transposed: bool) -> None:
        weights, weight_deltas = log.storage("weights"), log.storage("weight_deltas")
        n_examples, n_inputs = inputs.shape
        n_outputs = targets.shape[1]
        count = stop - start
        all_delta = np.empty((count, n_examples, n_outputs))
        products = np.zeros((n_inputs + 1, n_examples, n_outputs))  # [1 + i][k][o] = x_k[i] * W[o][i]
        sums = np.empty((count, n_inputs + 1, n_examples, n_outputs))  # each iteration's running sums
        # per-example weight_deltas after a slab of zeros: accumulating over examples then gives
        # ((0 + wd_0) + wd_1) + … in example order
        example_deltas = np.zeros((n_examples + 1, n_outputs, n_inputs))
        summed = np.empty_like(example_deltas)
        step = np.empty((n_outputs, n_inputs))
        alpha_array, examples_array = np.array(alpha), np.array(float(n_examples))
        frozen_mask = frozen if frozen.any() else None
        inputs_by_example = inputs[:, None, :]
        inputs_by_input = inputs.T[:, :, None]
        multiply, subtract, divide = np.multiply, np.subtract, np.divide
        accumulate, putmask = np.add.accumulate, np.putmask
        # the views the loop needs, made once (a view costs as much as a small multiply)
        products_of_inputs, totals = products[1:], sums[:, -1]
        weights_by_input = weights.transpose(0, 2, 1)[:, :, None, :]
        deltas_by_example = all_delta[:, :, :, None]
        inputs_as_printed, deltas_as_printed = inputs[:, :, None], all_delta[:, :, None, :]
        each_example_deltas, sum_of_example_deltas = example_deltas[1:], summed[-1]
        for j, i in enumerate(range(start, stop)):
            multiply(inputs_by_input, weights_by_input[i], products_of_inputs)
            accumulate(products, axis=0, out=sums[j])
            subtract(totals[j], targets, all_delta[j])
            if transposed:  # as printed: x_k[o] * delta_k[i]
                multiply(inputs_as_printed, deltas_as_printed[j], each_example_deltas)
            else:
                multiply(deltas_by_example[j], inputs_by_example, each_example_deltas)
            accumulate(example_deltas, axis=0, out=summed)
            wd = weight_deltas[i]
            divide(sum_of_example_deltas, examples_array, wd)
            if frozen_mask is not None:
                putmask(wd, frozen_mask, 0.0)
            multiply(alpha_array, wd, step)
            subtract(weights[i], step, weights[i + 1])
        all_pred = sums[:, -1]
        rows = slice(start, stop)
        log.storage("pred")[rows] = ordered_mean(all_pred, axis=1)
        log.storage("delta")[rows] = ordered_mean(all_delta, axis=1)
        np.multiply(all_delta, all_delta, all_delta)
        log.storage("error")[rows] = ordered_mean(all_delta, axis=1)
        _error_totals(log, start, stop)


def _errors(log: IterationLog, start: int, stop: int) -> None:
    delta = log.storage("delta")[start:stop]
    np.multiply(delta, delta, out=log.storage("error")[start:stop])
    _error_totals(log, start, stop)


def _error_totals(log: IterationLog, start: int, stop: int) -> None:
    log.storage("error_total")[start:stop] = ordered_sum(log.storage("error")[start:stop], axis=1)


NUMPY_LOOPS: Loops = NumpyLoops()


def run_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
             targets: np.ndarray, examples: np.ndarray | int, frozen: np.ndarray, transposed: bool,
             loops: Loops = NUMPY_LOOPS) -> None:
    """Compute rows ``start`` … ``start + count - 1`` of ``log`` for single-example iterations.

    ``inputs``/``targets`` are either one example (1-D, repeated) or one row per iteration.
    ``log.storage('weights')[start]`` must hold the weights before the first iteration; the
    weights after the last are left in row ``start + count``.
    """
    stop = start + count
    log.storage("inputs")[start:stop] = inputs
    log.storage("targets")[start:stop] = targets
    loops.rows(log, start, stop, alpha, frozen, transposed)
    log.storage("alpha")[start:stop] = alpha
    log.storage("example")[start:stop] = examples
    log.storage("as_printed")[start:stop] = transposed


def run_batch_rows(log: IterationLog, start: int, count: int, alpha: float, inputs: np.ndarray,
                   targets: np.ndarray, frozen: np.ndarray, transposed: bool,
                   loops: Loops = NUMPY_LOOPS) -> None:
    """Like :func:`run_rows`, but each iteration uses the mean over all examples (``batch``)."""
    stop = start + count
    loops.batch(log, inputs, targets, start, stop, alpha, frozen, transposed)
    log.storage("inputs")[start:stop] = ordered_mean(inputs, axis=0)
    log.storage("targets")[start:stop] = ordered_mean(targets, axis=0)
    log.storage("alpha")[start:stop] = alpha
    log.storage("example")[start:stop] = NO_EXAMPLE
    log.storage("as_printed")[start:stop] = transposed


def first_bad_row(log: IterationLog, start: int, stop: int, growth_limit: float | None,
                  reference_errors: np.ndarray | None) -> int | None:
    """The first row in ``start``…``stop - 1`` that is not finite or grew past the limit.

    A row is bad when its total error or weight_deltas are not finite, when the weights its
    update produced are not finite, or when its total error exceeds ``growth_limit`` times
    ``reference_errors[row - start]`` (the starting error it is compared with; NaN or 0 where
    there is none yet).
    """
    if stop <= start:
        return None
    total = log.storage("error_total")[start:stop]
    good = np.isfinite(total)
    good &= np.isfinite(log.storage("weight_deltas")[start:stop]).all(axis=(1, 2))
    good &= np.isfinite(log.storage("weights")[start + 1 : stop + 1]).all(axis=(1, 2))
    if growth_limit is not None and reference_errors is not None:
        with np.errstate(invalid="ignore"):
            good &= ~(total > growth_limit * reference_errors) | ~(reference_errors > 0)
    if good.all():
        return None
    return start + int(np.argmin(good))
