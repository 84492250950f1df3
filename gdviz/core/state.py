"""The state of a training session as one immutable value: what the window shows and saves.

The trainer thread owns a :class:`~gdviz.core.training.Training` and reports a
:class:`SessionState` after every command and every batch of iterations; the window renders the
last one it received and never keeps settings of its own. A state plus the iteration log is a
whole session: undo, scrubbing back through the log and session files are built from them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from gdviz.core.dataset import DataSet, finite_matrix
from gdviz.core.engine import NUMPY_LOOPS, Loops
from gdviz.core.history import History, Settings
from gdviz.core.training import Training, check_alpha, check_mode

SPEEDS: tuple[int | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, None)
"""The animation speeds a learner can pick, in iterations a second (None: as fast as possible)."""

DEFAULT_SPEED = 10


def _frozen_array(values: ArrayLike, shape: tuple[int, int], what: str, dtype: DTypeLike) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    if array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, not {array.shape}")
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class SessionState:
    """One moment of a session. Arrays are read-only copies, so a state can cross threads.

    ``iteration`` counts the iterations since the last reset (the log's last iteration number);
    ``weights`` are the weights after it. ``playing`` is true while animating or running N
    iterations; ``run_remaining`` counts what a Run N still has to do. ``history`` holds every
    change of the settings with the iteration it took effect at; its last change is always the
    state's own settings (a state made with other settings records them at ``iteration``).
    """

    data: DataSet
    initial_weights: np.ndarray
    weights: np.ndarray
    frozen: np.ndarray
    alpha: float
    mode: str = "example"
    example: int = 0
    as_printed: bool = False
    preset: str | None = None
    iteration: int = 0
    playing: bool = False
    speed: int | None = DEFAULT_SPEED
    run_total: int = 0
    run_remaining: int = 0
    history: History | None = None  # None: today's settings since iteration 0

    def __post_init__(self) -> None:
        shape = (self.data.n_outputs, self.data.n_inputs)
        set_ = object.__setattr__
        set_(self, "initial_weights", _frozen_array(finite_matrix(self.initial_weights, shape, "initial_weights"),
                                                   shape, "initial_weights", np.float64))
        set_(self, "weights", _frozen_array(finite_matrix(self.weights, shape, "weights"), shape, "weights",
                                           np.float64))
        set_(self, "frozen", _frozen_array(self.frozen, shape, "frozen", bool))
        set_(self, "alpha", check_alpha(self.alpha))
        check_mode(self.mode)
        if isinstance(self.example, bool) or not 0 <= int(self.example) < self.data.n_examples:
            raise ValueError(f"example must be 0 to {self.data.n_examples - 1}, not {self.example}")
        if self.as_printed and self.data.n_inputs != self.data.n_outputs:
            raise ValueError("the update as printed only runs on a square network")
        if self.speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}, not {self.speed}")
        settings = self.settings
        history = History.starting(settings) if self.history is None else self.history
        if history.changes[-1].iteration > self.iteration:  # no change after the state's own iteration
            history = history.up_to(self.iteration)
        if not history.current.same_as(settings):
            history = history.record(self.iteration, settings)
        set_(self, "history", history)

    @property
    def settings(self) -> Settings:
        """What training uses besides the weights."""
        return Settings(self.data, self.frozen, self.alpha, self.mode, self.example, self.as_printed)

    @property
    def changes(self) -> History:
        """The settings history (never None once the state is made)."""
        assert self.history is not None  # __post_init__ makes one
        return self.history

    def replace(self, **changes: Any) -> SessionState:
        """A copy with some fields changed (checked as a new state is)."""
        return dataclasses.replace(self, **changes)

    @property
    def square(self) -> bool:
        return self.data.n_inputs == self.data.n_outputs

    def same_as(self, other: SessionState) -> bool:
        """Every field equal (arrays element by element, data sets by their values)."""
        def data_equal(a: DataSet, b: DataSet) -> bool:
            return (a.input_names, a.output_names) == (b.input_names, b.output_names) and \
                np.array_equal(a.inputs, b.inputs) and np.array_equal(a.targets, b.targets)

        return all(
            data_equal(getattr(self, f.name), getattr(other, f.name)) if f.name == "data"
            else _same_history(self.changes, other.changes) if f.name == "history"
            else np.array_equal(getattr(self, f.name), getattr(other, f.name))
            if isinstance(getattr(self, f.name), np.ndarray) else getattr(self, f.name) == getattr(other, f.name)
            for f in dataclasses.fields(self)
        )


def _same_history(a: History, b: History) -> bool:
    return len(a) == len(b) and all(
        x.iteration == y.iteration and x.weights_edited == y.weights_edited and x.settings.same_as(y.settings)
        for x, y in zip(a.changes, b.changes))


def state_of(training: Training, preset: str | None = None, **pacing: Any) -> SessionState:
    """The state of ``training`` now (``pacing``: playing, speed, run_total, run_remaining)."""
    return SessionState(
        data=training.data, initial_weights=training.initial_weights, weights=training.weights,
        frozen=training.frozen, alpha=training.alpha, mode=training.mode, example=training.example,
        as_printed=training.as_printed, preset=preset, iteration=training.iteration, history=training.history,
        **pacing)


def training_from(state: SessionState, *, loops: Loops = NUMPY_LOOPS, log_capacity: int = 1024,
                  starting_errors: ArrayLike | None = None, starting_from: int = 0) -> Training:
    """A :class:`Training` that goes on from ``state``: its next iteration is ``state.iteration + 1``.

    ``starting_errors``: the total errors of the iterations after iteration ``starting_from``
    (the start, or the last edit), for the growth limit (see :class:`~gdviz.core.training.Training`
    and :func:`starting_errors`).
    """
    return Training(state.data, state.weights, state.alpha, mode=state.mode, example=state.example,
                    frozen=state.frozen, as_printed=state.as_printed, initial_weights=state.initial_weights,
                    loops=loops, log_capacity=log_capacity, first_iteration=state.iteration + 1,
                    starting_errors=starting_errors, starting_from=starting_from,
                    history=state.changes.up_to(state.iteration))
