"""The settings history: every change of a setting or of the data, with the iteration it took effect at.

A session's settings (the data set, frozen weights, alpha, mode, example, as-printed) may change
between any two iterations. The history keeps each change as a :class:`Change`: the settings in
force *after* ``iteration`` iterations, that is, the ones iteration ``iteration + 1`` uses. So the
window can show any past iteration with the settings it had, and training from there goes on as
the run did.

A weight typed in is a change too (``weights_edited``): the weights themselves are in the log, but
an edit restarts the growth limit's starting error (see :mod:`gdviz.core.training`).

Usage::

    history = History.starting(settings)              # iteration 0
    history = history.record(5, settings.replace(alpha=0.02))
    history.at(3).alpha                               # 0.01: what iteration 4 used
    history.up_to(3)                                  # a branch from iteration 3 keeps this much
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdviz.core.dataset import DataSet

MAX_CHANGES = 100_000
"""More changes than this are merged from the oldest on (a learner typing ~one a second for a day)."""


@dataclass(frozen=True, eq=False)
class Settings:
    """What training uses besides the weights. ``frozen`` is a read-only copy."""

    data: DataSet
    frozen: np.ndarray
    alpha: float
    mode: str
    example: int
    as_printed: bool

    def __post_init__(self) -> None:
        frozen = np.array(self.frozen, dtype=bool)
        frozen.flags.writeable = False
        object.__setattr__(self, "frozen", frozen)
        object.__setattr__(self, "alpha", float(self.alpha))
        object.__setattr__(self, "example", int(self.example))
        object.__setattr__(self, "as_printed", bool(self.as_printed))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def same_as(self, other: Settings) -> bool:
        """Every field equal (data sets by their names and values, bit for bit)."""
        return (self.data is other.data or same_data(self.data, other.data)) and \
            np.array_equal(self.frozen, other.frozen) and \
            (self.alpha, self.mode, self.example, self.as_printed) == \
            (other.alpha, other.mode, other.example, other.as_printed)


def same_data(a: DataSet, b: DataSet) -> bool:
    """The same names and the same values, bit for bit."""
    return (a.input_names, a.output_names) == (b.input_names, b.output_names) and \
        a.inputs.shape == b.inputs.shape and a.targets.shape == b.targets.shape and \
        a.inputs.tobytes() == b.inputs.tobytes() and a.targets.tobytes() == b.targets.tobytes()


@dataclass(frozen=True, eq=False)
class Change:
    """The settings in force after ``iteration`` iterations (until the next change)."""

    iteration: int
    settings: Settings
    weights_edited: bool = False  # a weight was typed in at this iteration


@dataclass(frozen=True, eq=False)
class History:
    """Changes in order of iteration, at most one per iteration; the first is the session's start."""

    changes: tuple[Change, ...]

    def __post_init__(self) -> None:
        if not self.changes:
            raise ValueError("a settings history starts with the first settings")
        iterations = [c.iteration for c in self.changes]
        if any(b <= a for a, b in zip(iterations, iterations[1:])):
            raise ValueError("a settings history's changes must be at increasing iterations")

    @staticmethod
    def starting(settings: Settings, iteration: int = 0) -> History:
        return History((Change(iteration, settings),))

    @property
    def current(self) -> Settings:
        return self.changes[-1].settings

    @property
    def first_iteration(self) -> int:
        return self.changes[0].iteration

    def __len__(self) -> int:
        return len(self.changes)

    def _index_at(self, iteration: int) -> int:
        """The index of the change in force after ``iteration`` iterations (the first one before it)."""
        index = bisect.bisect_right([c.iteration for c in self.changes], iteration) - 1
        return max(index, 0)

    def at(self, iteration: int) -> Settings:
        """The settings in force after ``iteration`` iterations: those iteration ``iteration + 1`` uses."""
        return self.changes[self._index_at(iteration)].settings

    def last_change_at_or_before(self, iteration: int) -> int:
        """The iteration of the latest change (weights typed in included) at or before ``iteration``."""
        return self.changes[self._index_at(iteration)].iteration

    def record(self, iteration: int, settings: Settings, *, weights_edited: bool = False) -> History:
        """A history with ``settings`` in force after ``iteration`` iterations (changes after it dropped:
        a change in the past starts a branch)."""
        kept = self.up_to(iteration).changes
        last = kept[-1]
        if last.iteration == iteration:  # two changes between the same two iterations: one change
            weights_edited = weights_edited or last.weights_edited
            kept = kept[:-1]
        elif not weights_edited and last.settings.same_as(settings):
            return History(kept)
        changes = (*kept, Change(iteration, settings, weights_edited))
        if len(changes) > MAX_CHANGES:  # merge the oldest two: the past loses its earliest detail only
            changes = (Change(changes[0].iteration, changes[1].settings), *changes[2:])
        return History(changes)

    def up_to(self, iteration: int) -> History:
        """The changes up to ``iteration`` (a branch from there); the first change always stays."""
        end = bisect.bisect_right([c.iteration for c in self.changes], iteration)
        return History(self.changes[: max(end, 1)])
