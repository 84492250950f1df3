"""A training session: a data set, the current weights, alpha, mode, frozen weights, and the log.

Usage::

    training = preset_training("multi-in")
    training.step()                      # one iteration
    result = training.run(1000)          # many; stops early on divergence
    training.log.error_total             # every iteration's total error

Settings may change between iterations; each log row records the alpha it used.

Training stops by itself (see :class:`Divergence`) at the first iteration whose numbers are not
finite, or whose total error is more than :data:`GROWTH_LIMIT` times the *starting error*: the
largest total error of the first K iterations (compared with from iteration K + 1 on), where K
is the number of examples in ``cycle`` mode (so that a cycle sees each example once) and 1
otherwise. The first iterations are counted from the start, and again from every edit (a weight, the
data, alpha, mode, example, frozen weights, as-printed): a weight moved far away starts a new,
larger starting error, so it rolls back down its bowl instead of being taken for a divergence, while
an alpha above the bound still grows past the limit within a few iterations of the edit. The first
iteration after the start or an edit has no starting error to compare with; when the starting error
is 0, only a number that is not finite stops training. Every change of a setting is recorded in
:attr:`Training.history` with the iteration it took effect at (see :mod:`gdviz.core.history`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gdviz.core import engine
from gdviz.core.dataset import DataSet, finite_matrix
from gdviz.core.history import History, Settings
from gdviz.core.log import NO_EXAMPLE, IterationLog
from gdviz.core.stability import bound_formula, bound_text, stable_alpha

MODES = ("example", "cycle", "batch")
MODE_HELP = {
    "example": "repeat the chosen example (the chapter's way)",
    "cycle": "one example per iteration, in order, wrapping around (stochastic gradient descent)",
    "batch": "every iteration uses the mean weight_deltas over all examples",
}
GROWTH_LIMIT = 1e6
"""Training stops when the total error grows past this many times its starting error."""

BLOCK = 256
"""Iterations computed between checks for divergence, deadlines and stop requests."""

STARTING_ROWS = 1024
"""The total errors of this many first iterations are kept, to compare later ones with."""


def example_for(iteration: int | NDArray[np.integer[Any]], mode: str, example: int,
                n_examples: int) -> int | NDArray[np.integer[Any]]:
    """The example that iteration number ``iteration`` (1-based; an int or an array) trains on:
    the chosen one, or in ``cycle`` mode each in turn (iteration 1 uses example 0)."""
    return (np.asarray(iteration) - 1) % n_examples if mode == "cycle" else example


def check_alpha(alpha: object) -> float:
    """``alpha`` as a float if it is a finite number > 0; ValueError naming the problem otherwise."""
    try:
        value = float(alpha)  # type: ignore[arg-type]  # any object: what float() rejects is caught below
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number, not {alpha!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"alpha must be a finite number greater than 0, not {alpha}")
    return value


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


_WRITABLE: list[tuple[DataSet, np.ndarray, np.ndarray]] = []


def writable_data(data: DataSet) -> tuple[np.ndarray, np.ndarray]:
    """``data``'s inputs and targets as writable C-contiguous copies, made once per data set (the
    compiled kernels take writable arrays: a copy per call was 380 MB a batch on 60,000 × 785)."""
    cached = _WRITABLE[0] if _WRITABLE else None
    if cached is not None and cached[0] is data:
        return cached[1], cached[2]
    inputs = np.require(data.inputs, np.float64, ["C", "W"])
    targets = np.require(data.targets, np.float64, ["C", "W"])
    _WRITABLE[:] = [(data, inputs, targets)]  # one at a time: the session's, replaced by the next
    return inputs, targets


def compute_rows(log: IterationLog, start: int, count: int, settings: Settings,
                 loops: engine.Loops = engine.NUMPY_LOOPS) -> None:
    """Compute rows ``start`` … ``start + count - 1`` of ``log`` with ``settings`` (the iterations
    numbered from ``log.first_iteration + start``); ``log.storage('weights')[start]`` must hold the
    weights before the first. Training and every replay of the log (:mod:`gdviz.core.keyframes`)
    go through here, so a replayed iteration is the trained one, bit for bit."""
    data = settings.data
    if settings.mode == "batch":
        inputs, targets = writable_data(data)
        engine.run_batch_rows(log, start, count, settings.alpha, inputs, targets, settings.frozen,
                              settings.as_printed, loops)
        return
    first = log.first_iteration + start
    examples = example_for(np.arange(first, first + count) if settings.mode == "cycle" else first,
                           settings.mode, settings.example, data.n_examples)
    engine.run_rows(log, start, count, settings.alpha, data.inputs[examples], data.targets[examples],
                    examples, settings.frozen, settings.as_printed, loops)


def _joined(parts: list[np.ndarray], columns: int | None = None, dtype: type = np.float64) -> np.ndarray:
    if parts:
        return np.concatenate(parts)
    return np.empty((0, columns) if columns is not None else 0, dtype=dtype)


def _grown_past(totals: np.ndarray, limit: float | None, references: np.ndarray) -> int | None:
    """The first of ``totals`` past ``limit`` times its reference (None: none)."""
    if limit is None or not len(totals):
        return None
    with np.errstate(invalid="ignore"):
        grown = (totals > limit * references) & (references > 0)
    return int(np.argmax(grown)) if grown.any() else None


def _finite_end(weights: np.ndarray, totals: np.ndarray, good: int) -> bool:
    """The last iteration computed left finite numbers (the kernel stops after the first that did not)."""
    return bool(np.isfinite(weights).all() and (good == 0 or math.isfinite(float(totals[good - 1]))))


@dataclass(frozen=True)
class Divergence:
    """Why and where training stopped by itself."""

    iteration: int  # the iteration that went bad; the log ends just before it
    reason: str
    alpha: float
    stable_alpha: float
    mode: str

    def message(self) -> str:
        text = f"Training stopped at iteration {self.iteration}: {self.reason}."
        if self.alpha > self.stable_alpha:
            text += " " + overshoot_text(self.alpha, self.stable_alpha, self.mode)
        return text


def overshoot_text(alpha: float, bound: float, mode: str) -> str:
    """``alpha 0.1 is above 0.02699 = 2/‖x‖² for this example, so each step overshoots.``"""
    return (f"alpha {alpha:g} is above {bound_text(bound, alpha)} = {bound_formula(mode)}, "
            "so each step overshoots.")


@dataclass(frozen=True)
class RunResult:
    iterations: int  # how many iterations were done (and logged)
    divergence: Divergence | None = None


@dataclass(frozen=True, eq=False)
class RecordBatch:
    """Iterations as the keyframed log keeps them (see :mod:`gdviz.core.keyframes`): each one's
    errors, total error and example, the weights before the first and after the last, and the
    weights before each iteration numbered 1 + a multiple of ``keyframe_every`` (by offset)."""

    first_iteration: int
    settings: Settings
    first_weights: np.ndarray
    error: np.ndarray
    error_total: np.ndarray
    example: np.ndarray
    keyframes: dict[int, np.ndarray]
    final_weights: np.ndarray
    note: str | None = None

    @property
    def count(self) -> int:
        return len(self.error_total)


class Training:
    """The state of one training session (not thread-safe: one thread drives it).

    ``first_iteration``, ``starting_errors`` and ``starting_from`` let a training go on from the
    middle of a log (after opening a session, or from an earlier iteration): the number of its
    next iteration, and the total errors of the iterations after iteration ``starting_from`` (the
    start or the last edit), for the growth limit. ``history``: the settings history so far (by
    default, today's settings since iteration ``first_iteration - 1``).
    """

    def __init__(self, data: DataSet, weights: ArrayLike, alpha: float, mode: str = "example",
                 example: int = 0, frozen: ArrayLike | None = None, growth_limit: float | None = GROWTH_LIMIT,
                 log_capacity: int = 1024, loops: engine.Loops = engine.NUMPY_LOOPS,
                 as_printed: bool = False, initial_weights: ArrayLike | None = None, first_iteration: int = 1,
                 starting_errors: ArrayLike | None = None, starting_from: int | None = None,
                 history: History | None = None) -> None:
        self.history: History | None = None  # set at the end: the setters below record nothing yet
        self.data = data
        shape = (data.n_outputs, data.n_inputs)
        self.weights = finite_matrix(weights, shape, "weights")
        self.initial_weights = (self.weights.copy() if initial_weights is None
                                else finite_matrix(initial_weights, shape, "initial_weights"))
        self.alpha = check_alpha(alpha)
        self.mode = check_mode(mode)
        self.example = self._check_example(example)
        self.frozen = np.zeros(shape, dtype=bool)
        if frozen is not None:
            self.set_frozen_mask(frozen)
        self.as_printed = False  # the book's transposed update (an erratum), for square networks
        self.set_as_printed(as_printed)
        self.growth_limit = growth_limit
        self.log = IterationLog(data.n_inputs, data.n_outputs, log_capacity, first_iteration)
        self.loops = loops  # the inner loops: numpy's, or gdviz.core.compiled's (the same numbers)
        self.pending: RecordBatch | None = None  # see take_pending
        self._starting_errors: list[float] = []
        self._starting_from = 0 if starting_from is None else int(starting_from)
        if starting_errors is not None:
            self._starting_errors = [float(e) for e in np.asarray(starting_errors)[:STARTING_ROWS]]
        self.history = (History.starting(self.settings, first_iteration - 1) if history is None
                        else history.record(first_iteration - 1, self.settings))

    @property
    def settings(self) -> Settings:
        """What training uses now besides the weights."""
        return Settings(self.data, self.frozen, self.alpha, self.mode, self.example, self.as_printed)

    def _changed(self, weights_edited: bool = False) -> None:
        """A setting, the data or a weight changed: record it, and take the starting error afresh."""
        if self.history is None:  # still being made
            return
        settings = self.settings
        if not weights_edited and self.history.current.same_as(settings):
            return  # nothing changed (a weight frozen that was frozen): no record, no new starting error
        self.history = self.history.record(self.iteration, settings, weights_edited=weights_edited)
        self._starting_from = self.iteration
        self._starting_errors = []

    # -- settings (apply from the next iteration on) -----------------------------------------
    def _check_example(self, example: int) -> int:
        if isinstance(example, bool) or not 0 <= int(example) < self.data.n_examples:
            raise ValueError(f"example must be 0 to {self.data.n_examples - 1}, not {example}")
        return int(example)

    def set_alpha(self, alpha: float) -> None:
        self.alpha = check_alpha(alpha)
        self._changed()

    def set_mode(self, mode: str) -> None:
        self.mode = check_mode(mode)
        self._changed()

    def set_example(self, example: int) -> None:
        self.example = self._check_example(example)
        self._changed()

    def set_data(self, data: DataSet) -> None:
        """New inputs/targets (same inputs and outputs; the number of examples may change)."""
        if (data.n_inputs, data.n_outputs) != (self.data.n_inputs, self.data.n_outputs):
            raise ValueError("the new data set must have the same inputs and outputs")
        self.data = data
        self.example = min(self.example, data.n_examples - 1)
        self._changed()

    def set_weight(self, output: int, input_: int, value: float) -> None:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, not {value}")
        self.weights[output, input_] = value
        self._changed(weights_edited=True)

    def set_weights(self, weights: ArrayLike) -> None:
        self.weights = finite_matrix(weights, self.weights.shape, "weights")
        self._changed(weights_edited=True)

    def set_frozen(self, output: int, input_: int, frozen: bool = True) -> None:
        self.frozen = self.frozen.copy()  # the history keeps the old mask
        self.frozen[output, input_] = frozen
        self._changed()

    def set_frozen_mask(self, frozen: ArrayLike) -> None:
        mask = np.array(frozen, dtype=bool)
        if mask.shape != self.frozen.shape:
            raise ValueError(f"the frozen mask must have shape {self.frozen.shape}")
        self.frozen = mask
        self._changed()

    def set_as_printed(self, on: bool) -> None:
        """Use the update as printed in the book, ``outer(input, delta)`` (square networks only)."""
        if on and self.data.n_inputs != self.data.n_outputs:
            raise ValueError("the update as printed only runs on a square network "
                             f"(this one has {self.data.n_inputs} input{'s' * (self.data.n_inputs != 1)} and "
                             f"{self.data.n_outputs} output{'s' * (self.data.n_outputs != 1)})")
        self.as_printed = bool(on)
        self._changed()

    def stable_alpha(self) -> float:
        return stable_alpha(self.data, self.mode, self.example, self.frozen)

    # -- training ----------------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        """How many iterations have been done since the last reset."""
        return self.log.last_iteration

    @property
    def starting_errors(self) -> tuple[float, ...]:
        """The total errors of the first iterations since the reset or the last edit (up to STARTING_ROWS)."""
        return tuple(self._starting_errors)

    @property
    def starting_from(self) -> int:
        """The iteration after which :attr:`starting_errors` were taken (0, or the last edit's)."""
        return self._starting_from

    def reset(self) -> None:
        """Back to the initial weights, with an empty log."""
        self.weights = self.initial_weights.copy()
        self.log.clear()
        self._starting_errors = []
        self._starting_from = 0
        self.history = History.starting(self.settings)

    def step(self) -> RunResult:
        return self.run(1)

    def run(self, iterations: int, *, deadline: float | None = None,
            should_stop: Callable[[], bool] | None = None, block: int = BLOCK) -> RunResult:
        """Do up to ``iterations`` iterations.

        On divergence the log keeps the finite iterations and its ``note`` says why it stopped.

        Stops early at divergence, when ``time.perf_counter()`` passes ``deadline``, or when
        ``should_stop()`` says so (both checked every ``block`` iterations).
        """
        if iterations < 0:
            raise ValueError(f"iterations must be 0 or more, not {iterations}")
        done = 0
        log = self.log
        log.note = None
        frozen = self.frozen.copy()
        with np.errstate(all="ignore"):
            while done < iterations:
                count = min(block, iterations - done)
                start = log.count
                log.reserve(count)
                log.storage("weights")[start] = self.weights
                self._compute(start, count, frozen)
                totals = log.storage("error_total")[start : start + count]
                references = self._starting_errors_for(log.first_iteration + start, totals)
                bad = engine.first_bad_row(log, start, start + count, self.growth_limit, references)
                end = start + count if bad is None else bad
                self._keep_starting_errors(log.first_iteration + start, totals[: end - start])
                log.count = end
                self.weights[...] = log.storage("weights")[end]
                done += end - start
                if bad is not None:
                    divergence = self._divergence(bad)
                    log.note = divergence.message()
                    return RunResult(done, divergence)
                if (deadline is not None and time.perf_counter() >= deadline) or (
                    should_stop is not None and should_stop()
                ):
                    break
        return RunResult(done)

    def run_records(self, iterations: int, keyframe_every: int, *, deadline: float | None = None,
                    should_stop: Callable[[], bool] | None = None,
                    block: int = BLOCK) -> tuple[RunResult, RecordBatch]:
        """Like :meth:`run`, but keeping only what a keyframed log keeps (the log stays empty; its
        numbering goes on): with compiled loops, ~16 bytes an iteration at 32×32 instead of 16 KB,
        and the same numbers, bit for bit. The loops without a ``records`` kernel (numpy's) compute
        full rows, from which the records are taken."""
        if iterations < 0:
            raise ValueError(f"iterations must be 0 or more, not {iterations}")
        kernel = getattr(self.loops, "records", None)
        settings = self.settings
        first = self.iteration + 1
        first_weights = start_weights = self.weights.copy()
        self.pending = None
        errors, totals, examples = [], [], []
        keyframes: dict[int, np.ndarray] = {}
        done, divergence = 0, None
        self.log.note = None
        try:
            with np.errstate(all="ignore"):
                while done < iterations:
                    count = min(block, iterations - done)
                    start_weights = self.weights.copy()
                    at = first + done
                    if kernel is None:
                        error, total, example, keys, good = self._full_rows_as_records(count, keyframe_every)
                    else:
                        error, total, example, keys, good = self._records(kernel, settings, at, count,
                                                                          keyframe_every)
                    # the kernels stop after the first iteration that is not finite (it is not kept)
                    not_finite = good - 1 if good < count or not _finite_end(self.weights, total, good) else None
                    computed = good if not_finite is None else not_finite
                    references = self._starting_errors_for(at, total[:computed])
                    grown = _grown_past(total[:computed], self.growth_limit, references)
                    end = min(x for x in (not_finite, grown, count) if x is not None)
                    bad = end if end < count else None
                    if bad is not None:  # the weights before the bad iteration, computed again
                        self.weights[...] = start_weights
                        if end:
                            if kernel is None:
                                self._full_rows_as_records(end, keyframe_every)
                            else:
                                self._records(kernel, settings, at, end, keyframe_every)
                    self._keep_starting_errors(at, total[:end])
                    errors.append(error[:end])
                    totals.append(total[:end])
                    examples.append(example[:end])
                    keyframes.update({done + offset: weights for offset, weights in keys.items() if offset < end})
                    done += end
                    self.log.clear(first + done)
                    if bad is not None:
                        divergence = self._divergence_of(first + done, float(total[end]), end == not_finite)
                        self.log.note = divergence.message()
                        break
                    if (deadline is not None and time.perf_counter() >= deadline) or (
                        should_stop is not None and should_stop()
                    ):
                        break
        except BaseException:  # a bug or no memory: the whole blocks done are kept (take_pending)
            self.weights[...] = start_weights
            self.log.clear(first + done)
            self.pending = RecordBatch(first, settings, first_weights, _joined(errors, self.data.n_outputs),
                                       _joined(totals), _joined(examples, dtype=np.int32), keyframes,
                                       self.weights.copy())
            raise
        batch = RecordBatch(first, settings, first_weights, _joined(errors, self.data.n_outputs), _joined(totals),
                            _joined(examples, dtype=np.int32), keyframes, self.weights.copy(), self.log.note)
        return RunResult(done, divergence), batch

    def take_pending(self) -> RecordBatch | None:
        """The records of the whole blocks a :meth:`run_records` interrupted by an exception had done."""
        pending, self.pending = self.pending, None
        return pending

    def _records(self, kernel: Callable[..., tuple[int, int]], settings: Settings, first: int, count: int,
                 every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, np.ndarray], int]:
        data = settings.data
        batch = settings.mode == "batch"
        numbers = np.arange(first, first + count)
        chosen = np.full(count, NO_EXAMPLE, dtype=np.int64) if batch else \
            np.asarray(example_for(numbers, settings.mode, settings.example, data.n_examples),
                       dtype=np.int64) * np.ones(count, dtype=np.int64)
        error, total = np.empty((count, data.n_outputs)), np.empty(count)
        most_keys = count // every + 2
        keys = np.empty((most_keys, data.n_outputs, data.n_inputs))
        key_rows = np.empty(most_keys, dtype=np.int64)
        inputs, targets = writable_data(data)
        good, written = kernel(self.weights, inputs, targets, chosen, first, settings.alpha,
                               settings.frozen, settings.as_printed, batch, error, total, every, keys, key_rows)
        offsets = {int(key_rows[n]): keys[n].copy() for n in range(written)}
        return error, total, chosen.astype(np.int32), offsets, good

    def _full_rows_as_records(self, count: int, every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                     dict[int, np.ndarray], int]:
        """numpy's loops: full rows into the (emptied) log, then the records taken from them."""
        log = self.log
        log.reserve(count)
        log.storage("weights")[0] = self.weights
        self._compute(0, count, self.frozen.copy())
        bad = engine.first_bad_row(log, 0, count, None, None)
        good = count if bad is None else bad + 1
        self.weights[...] = log.storage("weights")[good]
        first = log.first_iteration
        keys = {offset: log.storage("weights")[offset].copy() for offset in range(good)
                if (first + offset - 1) % every == 0}
        return (log.storage("error")[:count].copy(), log.storage("error_total")[:count].copy(),
                log.storage("example")[:count].copy(), keys, good)

    def _divergence_of(self, iteration: int, total: float, not_finite: bool) -> Divergence:
        if not_finite or not math.isfinite(total):
            reason = "a number became too large to represent (infinite or NaN)"
        else:
            reason = f"the total error grew past {self.growth_limit:g} times its starting value"
        return Divergence(iteration, reason, self.alpha, self.stable_alpha(), self.mode)

    def _compute(self, start: int, count: int, frozen: np.ndarray) -> None:
        compute_rows(self.log, start, count, self.settings.replace(frozen=frozen), self.loops)

    def _comparison_rows(self) -> int:
        """K: how many first iterations make up the starting error."""
        return min(self.data.n_examples if self.mode == "cycle" else 1, STARTING_ROWS)

    def _starting_errors_for(self, first: int, totals: np.ndarray) -> np.ndarray:
        """The starting error each of the iterations numbered ``first`` … (whose total errors are
        ``totals``) is compared with (NaN: none)."""
        count = len(totals)
        first_number = first - self._starting_from  # counted since the last edit
        numbers = np.arange(first_number, first_number + count)
        k = self._comparison_rows()
        known = list(self._starting_errors)
        new_first_rows = max(0, min(k + 1 - first_number, count))  # rows of this block among the first k
        if len(known) == first_number - 1:  # the block follows what is known
            known.extend(totals[:new_first_rows].tolist())
        if not known:
            return np.full(count, np.nan)
        prefix_largest = np.maximum.accumulate(np.array(known))
        before = np.minimum(numbers - 1, min(k, len(known)))  # how many first iterations count
        # the first K are only the reference: in cycle mode after an edit, the first example's error can be
        # ~1e-33 (a network fitted to it) and the next example's 0.5, which is no divergence
        return np.where((before > 0) & (numbers > k), prefix_largest[np.maximum(before - 1, 0)], np.nan)

    def _keep_starting_errors(self, first: int, totals: np.ndarray) -> None:
        """Keep the total errors ``totals`` of the good iterations numbered ``first`` … among the first ones."""
        first_number = first - self._starting_from
        missing = STARTING_ROWS - len(self._starting_errors)
        if missing > 0 and len(self._starting_errors) == first_number - 1:
            self._starting_errors.extend(totals[:missing].tolist())

    def _divergence(self, bad: int) -> Divergence:
        log = self.log
        total = log.storage("error_total")[bad]
        if not np.isfinite(total) or not np.isfinite(log.storage("weights")[bad + 1]).all():
            reason = "a number became too large to represent (infinite or NaN)"
        else:
            reason = f"the total error grew past {self.growth_limit:g} times its starting value"
        return Divergence(log.first_iteration + bad, reason, self.alpha, self.stable_alpha(), self.mode)
