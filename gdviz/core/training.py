"""A training session: a data set, the current weights, alpha, mode, frozen weights, and the log.

Usage::

    training = preset_training("multi-in")
    training.step()                      # one iteration
    result = training.run(1000)          # many; stops early on divergence
    training.log.error_total             # every iteration's total error

Settings may change between iterations; each log row records the alpha it used.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdviz.core import engine
from gdviz.core.dataset import DataSet, finite_matrix
from gdviz.core.log import IterationLog
from gdviz.core.stability import bound_formula, stable_alpha

MODES = ("example", "cycle", "batch")
MODE_HELP = {
    "example": "repeat the chosen example (the chapter's way)",
    "cycle": "one example per iteration, in order, wrapping around (stochastic gradient descent)",
    "batch": "every iteration uses the mean weight_deltas over all examples",
}
GROWTH_LIMIT = 1e6
"""Training stops when the total error grows past this many times its starting value."""

BLOCK = 256
"""Iterations computed between checks for divergence, deadlines and stop requests."""


def example_for(iteration, mode: str, example: int, n_examples: int):
    """The example that iteration number ``iteration`` (1-based; an int or an array) trains on:
    the chosen one, or in ``cycle`` mode each in turn (iteration 1 uses example 0)."""
    return (np.asarray(iteration) - 1) % n_examples if mode == "cycle" else example


def check_alpha(alpha) -> float:
    """``alpha`` as a float if it is a finite number > 0; ValueError naming the problem otherwise."""
    try:
        value = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number, not {alpha!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"alpha must be a finite number greater than 0, not {alpha}")
    return value


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
            text += (
                f" alpha {self.alpha:g} is above {self.stable_alpha:.3g} = "
                f"{bound_formula(self.mode)}, so each step overshoots."
            )
        return text


@dataclass(frozen=True)
class RunResult:
    iterations: int  # how many iterations were done (and logged)
    divergence: Divergence | None = None


class Training:
    """The state of one training session (not thread-safe: one thread drives it)."""

    def __init__(self, data: DataSet, weights, alpha: float, mode: str = "example",
                 example: int = 0, frozen=None, growth_limit: float | None = GROWTH_LIMIT,
                 log_capacity: int = 1024, loops: engine.Loops = engine.NUMPY_LOOPS):
        self.data = data
        self.initial_weights = finite_matrix(weights, (data.n_outputs, data.n_inputs), "weights")
        self.weights = self.initial_weights.copy()
        self.alpha = check_alpha(alpha)
        self.mode = self._check_mode(mode)
        self.example = self._check_example(example)
        self.frozen = np.zeros((data.n_outputs, data.n_inputs), dtype=bool)
        if frozen is not None:
            self.set_frozen_mask(frozen)
        self.growth_limit = growth_limit
        self.log = IterationLog(data.n_inputs, data.n_outputs, log_capacity)
        self.loops = loops  # the inner loops: numpy's, or gdviz.compiled's
        self.as_printed = False  # the book's transposed update (an erratum), for square networks
        self._reference_error: float | None = None

    # -- settings (apply from the next iteration on) -----------------------------------------
    def _check_mode(self, mode: str) -> str:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        return mode

    def _check_example(self, example: int) -> int:
        if not 0 <= int(example) < self.data.n_examples:
            raise ValueError(
                f"example must be 0 to {self.data.n_examples - 1}, not {example}"
            )
        return int(example)

    def set_alpha(self, alpha) -> None:
        self.alpha = check_alpha(alpha)

    def set_mode(self, mode: str) -> None:
        self.mode = self._check_mode(mode)

    def set_example(self, example: int) -> None:
        self.example = self._check_example(example)

    def set_data(self, data: DataSet) -> None:
        """New inputs/targets (same inputs and outputs; the number of examples may change)."""
        if (data.n_inputs, data.n_outputs) != (self.data.n_inputs, self.data.n_outputs):
            raise ValueError("the new data set must have the same inputs and outputs")
        self.data = data
        self.example = min(self.example, data.n_examples - 1)

    def set_weight(self, output: int, input_: int, value) -> None:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, not {value}")
        self.weights[output, input_] = value

    def set_weights(self, weights) -> None:
        self.weights = finite_matrix(weights, self.weights.shape, "weights")

    def set_frozen(self, output: int, input_: int, frozen: bool = True) -> None:
        self.frozen[output, input_] = frozen

    def set_frozen_mask(self, frozen) -> None:
        mask = np.array(frozen, dtype=bool)
        if mask.shape != self.frozen.shape:
            raise ValueError(f"the frozen mask must have shape {self.frozen.shape}")
        self.frozen = mask

    def set_as_printed(self, on: bool) -> None:
        """Use the update as printed in the book, ``outer(input, delta)`` (square networks only)."""
        if on and self.data.n_inputs != self.data.n_outputs:
            raise ValueError("the update as printed only runs on a square network "
                             f"(this one has {self.data.n_inputs} inputs and {self.data.n_outputs} outputs)")
        self.as_printed = bool(on)

    def stable_alpha(self) -> float:
        return stable_alpha(self.data, self.mode, self.example, self.frozen)

    # -- training ----------------------------------------------------------------------------
    @property
    def iteration(self) -> int:
        """How many iterations have been done since the last reset."""
        return self.log.last_iteration

    def reset(self) -> None:
        """Back to the initial weights, with an empty log."""
        self.weights = self.initial_weights.copy()
        self.log.clear()
        self._reference_error = None

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
        frozen = self.frozen.copy() if self.frozen.any() else None
        with np.errstate(all="ignore"):
            while done < iterations:
                count = min(block, iterations - done)
                start = log.count
                log.reserve(count)
                log.storage("weights")[start] = self.weights
                self._compute(start, count, frozen)
                self._update_reference(start, count)
                bad = engine.first_bad_row(
                    log, start, start + count, self.growth_limit, self._reference_error
                )
                end = start + count if bad is None else bad
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

    def _compute(self, start: int, count: int, frozen) -> None:
        data, log = self.data, self.log
        loops = engine.PRINTED_LOOPS if self.as_printed else self.loops
        if self.mode == "batch":
            engine.run_batch_rows(log, start, count, self.alpha, data.inputs, data.targets, frozen, loops)
            return
        first = log.first_iteration + start
        examples = example_for(np.arange(first, first + count) if self.mode == "cycle" else first,
                               self.mode, self.example, data.n_examples)
        engine.run_rows(log, start, count, self.alpha, data.inputs[examples],
                        data.targets[examples], examples, frozen, loops)

    def _update_reference(self, start: int, count: int) -> None:
        """The starting error that the growth limit compares with: the largest total error of
        the first K iterations (K = the number of examples, so a cycle sees each once)."""
        first_number = self.log.first_iteration + start
        reference_rows = self.data.n_examples - first_number + 1
        if reference_rows <= 0:
            return
        totals = self.log.storage("error_total")[start : start + min(count, reference_rows)]
        finite = totals[np.isfinite(totals)]
        if finite.size:
            self._reference_error = max(self._reference_error or 0.0, float(finite.max()))

    def _divergence(self, bad: int) -> Divergence:
        log = self.log
        total = log.storage("error_total")[bad]
        if not np.isfinite(total) or not np.isfinite(log.storage("weights")[bad + 1]).all():
            reason = "a number became too large to represent (infinite or NaN)"
        else:
            reason = f"the total error grew past {self.growth_limit:g} times its starting value"
        return Divergence(log.first_iteration + bad, reason, self.alpha, self.stable_alpha(), self.mode)
