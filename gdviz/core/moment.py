"""One iteration of a session as the views show it: "iteration k".

"Weights at iteration k" are the weights after k iterations, as the weights table shows them
after the k-th Step; iteration k's pred, delta and weight_deltas are those of log row k - 1.
Iteration 0 is the start: the initial weights, and the prediction the next iteration will make.

The settings at iteration k (the data set, alpha, mode, example, frozen weights, as-printed) are
those in force after k iterations: what iteration k + 1 uses, so training from k goes on exactly
as the run did (see :mod:`gdviz.core.history`). Every control and view of the window shows the
moment's settings, and the bowls and the surface use its data and :attr:`Moment.examples`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from gdviz.core.accuracy import Accuracy, accuracy
from gdviz.core.engine import NUMPY_LOOPS, Loops
from gdviz.core.history import History, Settings
from gdviz.core.keyframes import KeyframedLog
from gdviz.core.log import FIELDS, NO_EXAMPLE, IterationLog
from gdviz.core.state import SessionState, training_from
from gdviz.core.training import STARTING_ROWS, Training, example_for

Log = IterationLog | KeyframedLog
"""Either log: both answer ``records``, ``record``, ``column`` and ``weights_at``."""


@dataclass(frozen=True, eq=False)
class Moment:
    iteration: int
    weights: np.ndarray  # after `iteration` iterations
    row: int | None  # the log row of this iteration (None for iteration 0 or before the log starts)
    weight_deltas: np.ndarray  # this iteration's (NaN where there is none)
    inputs: np.ndarray  # this iteration's inputs, pred and targets (iteration 0: the next one's)
    pred: np.ndarray
    targets: np.ndarray
    settings: Settings  # in force after `iteration` iterations: the ones the next iteration uses
    examples: np.ndarray  # the examples the next iteration uses (every one in batch mode): the bowls'
    record: IterationLog  # this iteration's whole record (one row), or at iteration 0 the next one's
    preview: IterationLog | None = None  # no row (iteration 0): the next iteration, worked out (one row)
    pending: bool = False  # the preview is still being worked out (its numbers NaN): see moment_at

    def example_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The inputs and targets of :attr:`examples` (the bowls' and the surface's): the data
        set's own arrays in batch mode, not a copy (60,000 × 784 inputs: 376 MB a redraw)."""
        data = self.settings.data
        if self.settings.mode == "batch":
            return data.inputs, data.targets
        return data.inputs[self.examples], data.targets[self.examples]

    @cached_property
    def accuracy(self) -> Accuracy | None:
        """How this moment's weights classify its data set's examples (None if the data has no
        classes). Every example's preds: asked for only at the readable rate, never per iteration."""
        return accuracy(self.settings.data, self.weights)


def weights_after(log: Log, state: SessionState, iteration: int) -> np.ndarray:
    """The weights after ``iteration`` iterations (the current weights at the last one)."""
    row = iteration - log.first_iteration + 1  # the row whose weights are those before iteration + 1
    if iteration >= log.last_iteration or row < 0 or row >= log.count:
        return state.weights
    return log.weights_at(row)


def clamp(log: Log, iteration: int) -> int:
    """``iteration`` within what the log can show: from the iteration before its first to its last."""
    return max(min(iteration, log.last_iteration), log.first_iteration - 1)


def state_at(log: Log, state: SessionState, iteration: int) -> SessionState:
    """The session as it was after ``iteration`` iterations (clamped to the log): its weights, its
    settings, and the history up to it. Training from it recomputes the log's next iteration bit for bit."""
    iteration = clamp(log, iteration)
    if iteration == state.iteration:
        return state
    settings = state.changes.at(iteration)
    return state.replace(weights=np.array(weights_after(log, state, iteration)), iteration=iteration,
                         data=settings.data, frozen=settings.frozen, alpha=settings.alpha, mode=settings.mode,
                         example=settings.example, as_printed=settings.as_printed,
                         history=state.changes.up_to(iteration), playing=False, run_total=0, run_remaining=0)


def examples_used(settings: Settings, iteration: int) -> np.ndarray:
    """The examples iteration number ``iteration`` uses: its one example, or every one in batch mode."""
    n = settings.data.n_examples
    if settings.mode == "batch":
        return np.arange(n)
    return np.array([int(example_for(iteration, settings.mode, settings.example, n))])


def moment_at(log: Log, state: SessionState, iteration: int,
              next_of: Callable[[SessionState], IterationLog | None] | None = None) -> Moment:
    """What the views show for ``iteration`` (clamped to the log). ``next_of``: how the next
    iteration is worked out where there is no record (:func:`next_iteration`); when it answers
    None (not worked out yet: see :func:`big_preview`) the moment is :attr:`Moment.pending`."""
    iteration = clamp(log, iteration)
    weights = weights_after(log, state, iteration)
    settings = state.changes.at(iteration)
    examples = examples_used(settings, iteration + 1)
    row = iteration - log.first_iteration
    if 0 <= row < log.count:
        record = log.record(row)
        return Moment(iteration, weights, row, record.weight_deltas[0], record.inputs[0], record.pred[0],
                      record.targets[0], settings, examples, record)
    shown = state_at(log, state, iteration)
    worked_out = (next_of or next_iteration)(shown)
    preview = pending_iteration(shown) if worked_out is None else worked_out
    return Moment(iteration, weights, None, np.full(weights.shape, np.nan), preview.inputs[0], preview.pred[0],
                  preview.targets[0], settings, examples, preview, preview, pending=worked_out is None)


BIG_PREVIEW = 1_000_000
"""Multiply-adds (examples × inputs × outputs) past which the next iteration is too much work to
do while the window waits: a batch iteration over 60,000 × 784 × 10 took 20-45 s with numpy's
loops (0.7 s compiled)."""


def big_preview(state: SessionState) -> bool:
    """Whether working out the iteration after ``state`` reads a big data set whole (batch mode)."""
    data = state.data
    return state.mode == "batch" and data.n_examples * data.n_inputs * data.n_outputs > BIG_PREVIEW


def pending_iteration(state: SessionState) -> IterationLog:
    """A stand-in for the iteration after ``state`` while it is worked out: one row, its numbers
    NaN (not known yet), the weights before it ``state``'s."""
    log = IterationLog(state.data.n_inputs, state.data.n_outputs, 1, first_iteration=state.iteration + 1)
    for name in FIELDS:
        array = log.storage(name)
        array[...] = NO_EXAMPLE if name == "example" else False if name == "as_printed" else np.nan
    log.storage("weights")[0] = state.weights
    log.storage("alpha")[0] = state.alpha
    log.count = 1
    return log


def next_iteration(state: SessionState, loops: Loops = NUMPY_LOOPS) -> IterationLog:
    """The iteration that would follow ``state``, worked out on a throwaway copy (one log row,
    kept even when its numbers overflow: it is there to be shown); ``loops``: numpy's or the
    compiled ones (the same numbers)."""
    training = training_from(state, loops=loops)
    training.growth_limit = None
    training.step()
    log = training.log
    log.count = 1
    return log


def training_at(log: Log, state: SessionState) -> Training:
    """A :class:`Training` that goes on from ``state`` (the end of ``log``), its growth limit taking
    the starting error from the iterations after the last edit, as the run it continues did."""
    history: History = state.changes
    since = history.last_change_at_or_before(state.iteration)
    row = since + 1 - log.first_iteration
    errors = log.column("error_total", row, row + STARTING_ROWS) if 0 <= row <= log.count else None
    # a log that starts after the last change (a session saved from the middle of a run): the
    # starting error is taken afresh from the next iterations, never left out for good
    return training_from(state, starting_errors=errors, starting_from=since if errors is not None else state.iteration)
