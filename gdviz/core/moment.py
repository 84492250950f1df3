"""One iteration of a session as the views show it: "iteration k".

"Weights at iteration k" are the weights after k iterations, as the weights table shows them
after the k-th Step; iteration k's pred, delta and weight_deltas are those of log row k - 1.
Iteration 0 is the start: the initial weights, and the prediction the next iteration will make.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdviz.core.log import IterationLog
from gdviz.core.state import SessionState, training_from


@dataclass(frozen=True, eq=False)
class Moment:
    iteration: int
    weights: np.ndarray  # after `iteration` iterations
    row: int | None  # the log row of this iteration (None for iteration 0 or before the log starts)
    weight_deltas: np.ndarray  # this iteration's (NaN where there is none)
    inputs: np.ndarray  # this iteration's inputs, pred and targets (iteration 0: the next one's)
    pred: np.ndarray
    targets: np.ndarray
    preview: IterationLog | None = None  # no row (iteration 0): the next iteration, worked out (one row)


def weights_after(log: IterationLog, state: SessionState, iteration: int) -> np.ndarray:
    """The weights after ``iteration`` iterations (a view; the current weights at the last one)."""
    row = iteration - log.first_iteration + 1  # the row whose weights are those before iteration + 1
    if iteration >= log.last_iteration or row < 0 or row >= log.count:
        return state.weights
    weights: np.ndarray = log.weights[row]
    return weights


def moment_at(log: IterationLog, state: SessionState, iteration: int) -> Moment:
    """What the views show for ``iteration`` (clamped to the log)."""
    iteration = max(min(iteration, log.last_iteration), log.first_iteration - 1)
    weights = weights_after(log, state, iteration)
    row = iteration - log.first_iteration
    if 0 <= row < log.count:
        return Moment(iteration, weights, row, log.weight_deltas[row], log.inputs[row], log.pred[row],
                      log.targets[row])
    preview = next_iteration(state.replace(weights=weights, iteration=iteration))
    return Moment(iteration, weights, None, np.full(weights.shape, np.nan), preview.inputs[0], preview.pred[0],
                  preview.targets[0], preview)


def next_iteration(state: SessionState) -> IterationLog:
    """The iteration that would follow ``state``, worked out on a throwaway copy (one log row,
    kept even when its numbers overflow: it is there to be shown)."""
    training = training_from(state)
    training.growth_limit = None
    training.step()
    log = training.log
    log.count = 1
    return log
