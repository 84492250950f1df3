"""The window's log: a record per iteration for what the curves draw, the weights at keyframes, and
every other number rebuilt exactly by replaying from the keyframe before it.

Keeping every weight and weight_delta of every iteration costs 16 bytes a weight: 16 KB an
iteration at 32×32, a gigabyte in 60,000 iterations. Yet an iteration is fully determined by the
weights before it and the settings it used, and the engine is deterministic (the book's order, bit
for bit on every CPU). So a :class:`KeyframedLog` keeps, for every iteration, only

- ``error`` (one per output) and ``error_total``: what the curves draw;
- ``example``: which example it used (cheaper to keep than to work out, and what the data
  table marks);

in blocks of :data:`BLOCK_ROWS` rows that are never copied or moved once written (the log grows a
block at a time, reserving nothing up front), and, at *keyframes*, the weights before that
iteration and the settings the following iterations use (a reference to a shared
:class:`~gdviz.core.history.Settings`). A keyframe is kept every :attr:`KeyframedLog.keyframe_every`
iterations, at the start, and wherever the settings change or a weight is typed in, so the
iterations between two keyframes all use one set of settings. Iteration k's weights, weight_deltas,
inputs, pred and delta are rebuilt by :func:`~gdviz.core.training.compute_rows` from the keyframe
before it: the very code that trained it, so the very same bits (a replay also checks its total
errors against the records, bit for bit, and raises :class:`ReplayMismatch` if they differ).

``keyframe_every`` is chosen from the measured cost of an iteration of this shape (see
:func:`keyframe_interval`) so that rebuilding any iteration takes at most :data:`REBUILD_SECONDS`.

Every reader goes through :meth:`KeyframedLog.records` (full records of a range of rows, as an
:class:`~gdviz.core.log.IterationLog`), :meth:`KeyframedLog.column` (a recorded column) or
:meth:`KeyframedLog.weights_at`.
"""

from __future__ import annotations

import bisect
import functools
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from gdviz.core import engine
from gdviz.core.dataset import DataSet
from gdviz.core.history import Change, History, Settings
from gdviz.core.log import FIELDS, NO_EXAMPLE, IterationLog

if TYPE_CHECKING:
    from gdviz.core.training import RecordBatch

BLOCK_ROWS = 1 << 15
"""Rows of records in one block (3×3: 1.2 MB; 32×32: 8.8 MB)."""

REBUILD_SECONDS = 0.002
"""The longest a rebuild of one iteration may take: one keyframe interval of replay."""

RECORDED = ("error", "error_total", "example")
"""The fields kept for every iteration; the others are rebuilt. ``error`` (one per output) is kept
as float32, for the curves only: drawn, it needs no more, and it halves a big network's record
(32×32: 140 bytes instead of 268); the exact errors are rebuilt with the rest. ``error_total``
and ``example`` are exact (the growth limit and the replay's check read them)."""

EXACT = ("error_total", "example")
CURVE_ERROR_MAX = float(np.finfo(np.float32).max)  # a larger error is drawn (and kept) as this


MEMORY_SHARE = 0.5
"""The share of the machine's memory a window's log may take before training stops with a word."""


def memory_budget() -> int:
    """Bytes a log may use: :data:`MEMORY_SHARE` of the machine's memory (4 GB where it cannot be read)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # Windows has no sysconf
        total = 8 << 30
    return int(total * MEMORY_SHARE)


def most_iterations(n_inputs: int, n_outputs: int, budget: int | None = None) -> int:
    """How many iterations a log of this shape can hold within ``budget`` bytes (records and keyframes)."""
    budget = memory_budget() if budget is None else budget
    keyframe = 8 * n_inputs * n_outputs / keyframe_interval(n_inputs, n_outputs)
    return int(budget / (KeyframedLog.bytes_per_record(n_inputs, n_outputs) + keyframe))


def interval_for(keyframe_every: int, settings: Settings) -> int:
    """Iterations between keyframes with ``settings``: a batch iteration goes over every example,
    so it costs about n_examples single-example ones, and its keyframes are that much closer."""
    if settings.mode == "batch":
        return max(1, keyframe_every // settings.data.n_examples)
    return keyframe_every


def replay_loops() -> engine.Loops:
    """The loops replays use: the compiled ones once loaded (never waited for), else numpy's (the
    same numbers, bit for bit; an export of a million iterations replays them all)."""
    from gdviz.core import compiled

    return (compiled.loops() if compiled.ready() else None) or engine.NUMPY_LOOPS


class ReplayMismatch(RuntimeError):
    """A replayed iteration is not the one recorded: a bug, never a rounding difference."""


@dataclass(frozen=True, eq=False)
class Keyframe:
    row: int  # the weights before this row's iteration
    weights: np.ndarray  # read-only
    settings: Settings  # what rows row … (the next keyframe's row - 1) used
    stored: IterationLog | None = None  # the stretch's full records, kept as they are (not replayed)


@functools.lru_cache(maxsize=64)
def keyframe_interval(n_inputs: int, n_outputs: int, loops_name: str = "numpy") -> int:
    """Iterations between two keyframes: as many as the numpy loops (the slowest that may rebuild)
    do in :data:`REBUILD_SECONDS` on this machine, for this shape; measured once per shape."""
    data = DataSet.blank(n_inputs, n_outputs)
    scratch = IterationLog(n_inputs, n_outputs, 256)
    scratch.storage("weights")[0] = 0.0
    frozen = np.zeros((n_outputs, n_inputs), dtype=bool)
    rows = 64
    best = float("inf")
    for _ in range(3):
        begun = time.perf_counter()
        engine.run_rows(scratch, 0, rows, 0.01, data.inputs[0], data.targets[0], 0, frozen, False)
        best = min(best, time.perf_counter() - begun)
    per_iteration = max(best / rows, 1e-8)
    return int(min(max(REBUILD_SECONDS / per_iteration, 8), 1 << 16))


class KeyframedLog:
    """Records of consecutive iterations numbered from ``first_iteration``, with keyframes.

    Append with :meth:`extend` (full rows, as the engine writes them) or :meth:`append_records`
    (records and the keyframes' weights only); read with :meth:`records`, :meth:`column`,
    :meth:`weights_at`. Rows already written never change, so :meth:`shared` hands a reader a
    fixed view without copying while training goes on appending.
    """

    def __init__(self, n_inputs: int, n_outputs: int, first_iteration: int = 1,
                 keyframe_every: int | None = None) -> None:
        self.n_inputs = n_inputs
        self.n_outputs = n_outputs
        self.first_iteration = first_iteration
        self.keyframe_every = int(keyframe_every or keyframe_interval(n_inputs, n_outputs))
        if self.keyframe_every < 1:
            raise ValueError("keyframe_every must be at least 1")
        self.count = 0
        self.note: str | None = None
        self._errors: list[NDArray[np.float32]] = []  # BLOCK_ROWS × M each (for the curves: see RECORDED)
        self._totals: list[NDArray[np.float64]] = []
        self._examples: list[NDArray[np.int32]] = []
        self._keys: list[Keyframe] = []
        self._key_rows: list[int] = []
        self.final_weights: np.ndarray | None = None  # the weights after the last record
        # whether final_weights are what the last iteration computed: after a branch, an open or a
        # conversion they are the session's weights, which may hold a weight typed in since, so the
        # next records must start a keyframe of their own
        self._last_computed = False
        self._after_stored: np.ndarray | None = None  # the same, after a stored stretch (see append_stored)
        self._segment: tuple[int, IterationLog] | None = None  # the last replayed stretch (first row, rows)
        self._dense: np.ndarray | None = None  # the first rows' weights, for path()
        self._path: tuple[tuple[int, int, int, int], np.ndarray] | None = None  # the last path() asked

    # -- numbering and size ---------------------------------------------------------------------
    def __len__(self) -> int:
        return self.count

    @property
    def last_iteration(self) -> int:
        return self.first_iteration + self.count - 1

    @property
    def iterations(self) -> np.ndarray:
        return np.arange(self.first_iteration, self.first_iteration + self.count, dtype=np.int64)

    @property
    def keyframes(self) -> tuple[Keyframe, ...]:
        return tuple(self._keys)

    @property
    def nbytes(self) -> int:
        """Bytes held: the record blocks and the keyframes' weights (settings are shared with the history)."""
        arrays: list[np.ndarray] = [*self._errors, *self._totals, *self._examples]
        blocks = sum(a.nbytes for a in arrays)
        # every keyframe holds the log's one shape of weights: no walk over thousands of them (the
        # status bar asks every frame)
        return blocks + (len(self._keys) * self._keys[0].weights.nbytes if self._keys else 0)

    @staticmethod
    def bytes_per_record(n_inputs: int, n_outputs: int) -> int:
        return 4 * n_outputs + 8 + 4

    # -- appending ------------------------------------------------------------------------------
    def _check_next(self, first_iteration: int, rows: int) -> None:
        if rows and self.count and first_iteration != self.last_iteration + 1:
            raise ValueError(f"records must be consecutive: iteration {first_iteration} cannot follow "
                             f"{self.last_iteration}")

    def interval_for(self, settings: Settings) -> int:
        """Iterations between keyframes for records made with ``settings``: :func:`interval_for`."""
        return interval_for(self.keyframe_every, settings)

    def keyframe_rows(self, rows: int, first_iteration: int | None = None,
                      settings: Settings | None = None) -> list[int]:
        """Which of the next ``rows`` rows (0-based among them) need a keyframe by the interval alone:
        those of iterations numbered 1 + a multiple of the interval (so a trainer that only knows
        iteration numbers keeps the same ones)."""
        k = self.keyframe_every if settings is None else self.interval_for(settings)
        start = (self.first_iteration + self.count if self.count or first_iteration is None
                 else first_iteration)  # the number of the next iteration
        offset = (1 - start) % k
        return list(range(offset, rows, k))

    def append_records(self, first_weights: np.ndarray, error: np.ndarray, error_total: np.ndarray,
                       example: np.ndarray, keyframe_weights: Mapping[int, np.ndarray],
                       final_weights: np.ndarray, settings: Settings, first_iteration: int | None = None,
                       note: str | None = None) -> None:
        """Append records made with ``settings``. ``first_weights``: the weights before the first;
        ``keyframe_weights``: the weights before each row :meth:`keyframe_rows` names (others are
        ignored); ``final_weights``: the weights after the last. ``note``: why training stopped
        after these records (if it stopped by itself). MemoryError leaves the log as it was."""
        rows = len(error_total)
        if self.count == 0 and first_iteration is not None:
            self.first_iteration = first_iteration
        elif first_iteration is not None:
            self._check_next(first_iteration, rows)
        if rows:
            new_keys = self._new_keyframes(first_weights, keyframe_weights, settings, rows)
            self._store(error, error_total, example)  # may raise MemoryError: nothing changed yet
            for key in new_keys:
                self._keys.append(key)
                self._key_rows.append(key.row)
            self.count += rows
            self.final_weights = _frozen_copy(final_weights)
            self._last_computed = True
        if rows or note:
            self.note = note

    def _new_keyframes(self, first_weights: np.ndarray, keyframe_weights: Mapping[int, np.ndarray],
                       settings: Settings, rows: int) -> list[Keyframe]:
        keys: list[Keyframe] = []
        last = self._keys[-1] if self._keys else None
        changed = (last is None or self.final_weights is None or not self._last_computed
                   or self.final_weights.tobytes() != np.ascontiguousarray(first_weights, np.float64).tobytes()
                   or not (settings is last.settings or settings.same_as(last.settings)))
        if changed:
            keys.append(Keyframe(self.count, _frozen_copy(first_weights), settings))
        shared_settings = keys[0].settings if keys else (last.settings if last is not None else settings)
        for offset in self.keyframe_rows(rows, settings=settings):
            if offset == 0 and keys:
                continue
            weights = first_weights if offset == 0 else keyframe_weights.get(offset)
            if weights is None:
                raise ValueError(f"the weights before row {self.count + offset} are needed for a keyframe")
            keys.append(Keyframe(self.count + offset, _frozen_copy(weights), shared_settings))
        return keys

    def _store(self, error: np.ndarray, error_total: np.ndarray, example: np.ndarray) -> None:
        rows = len(error_total)
        taken = 0
        used = self.count - (len(self._totals) - 1) * BLOCK_ROWS if self._totals else BLOCK_ROWS
        while taken < rows:
            if used == BLOCK_ROWS:  # a new block: the only allocation (MemoryError: see above)
                errors = np.empty((BLOCK_ROWS, self.n_outputs), dtype=np.float32)
                totals, examples = np.empty(BLOCK_ROWS), np.empty(BLOCK_ROWS, dtype=np.int32)
                self._errors.append(errors)  # all three made before any is kept: never out of step
                self._totals.append(totals)
                self._examples.append(examples)
                used = 0
            part = min(rows - taken, BLOCK_ROWS - used)
            self._errors[-1][used : used + part] = _curve_errors(error[taken : taken + part])
            self._totals[-1][used : used + part] = error_total[taken : taken + part]
            self._examples[-1][used : used + part] = example[taken : taken + part]
            taken += part
            used += part

    def append_batch(self, batch: RecordBatch) -> None:
        """Append what :meth:`gdviz.core.training.Training.run_records` made (its keyframes must
        follow this log's interval: the trainer is given :attr:`keyframe_every`)."""
        wanted = {offset: batch.keyframes[offset]
                  for offset in self.keyframe_rows(batch.count, batch.first_iteration, batch.settings)
                  if offset in batch.keyframes}
        self.append_records(batch.first_weights, batch.error, batch.error_total, batch.example, wanted,
                            batch.final_weights, batch.settings,
                            first_iteration=batch.first_iteration if batch.count else None, note=batch.note)

    def append_stored(self, part: IterationLog, settings: Settings) -> None:
        """Append full records that cannot be rebuilt by replay (a session of gdviz 0.2 whose data
        changed after a batch iteration): kept whole, as their own stretch."""
        if part.count == 0:
            return
        self._check_next(part.first_iteration, part.count)
        if self.count == 0:
            self.first_iteration = part.first_iteration
        weights = part.storage("weights")
        key = Keyframe(self.count, _frozen_copy(weights[0]), settings, part.slice(0, part.count))
        self._store(part.error, part.error_total, part.example)
        self._keys.append(key)
        self._key_rows.append(key.row)
        self.count += part.count
        self.final_weights = None  # the next records start a keyframe of their own
        self._after_stored = _frozen_copy(weights[part.count])

    def extend(self, other: IterationLog | KeyframedLog, settings: Settings | None = None) -> None:
        """Append ``other``'s records, which number on from this log's last one. A full
        :class:`IterationLog` needs the ``settings`` its iterations used."""
        if (other.n_inputs, other.n_outputs) != (self.n_inputs, self.n_outputs):
            raise ValueError("cannot join logs of networks of different shapes")
        if isinstance(other, KeyframedLog):
            for start, stop, key in other._segments(0, other.count):
                part = other.records(start, stop)
                if key.stored is not None:
                    self.append_stored(part, key.settings)
                else:
                    self.extend(part, key.settings)
            if other.note or other.count:
                self.note = other.note
            return
        if settings is None:
            raise ValueError("a full log's records need the settings they were made with")
        weights = other.storage("weights")
        wanted = {offset: weights[offset]
                  for offset in self.keyframe_rows(other.count, other.first_iteration, settings)
                  if offset < other.count}
        self.append_records(weights[0], other.error, other.error_total, other.example, wanted,
                            weights[other.count], settings,
                            first_iteration=other.first_iteration if other.count else None, note=other.note)

    # -- reading --------------------------------------------------------------------------------
    def column(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Recorded column ``name`` (error, error_total or example) for rows ``start`` … ``stop - 1``:
        a view when the rows lie in one block, else a new array."""
        if name not in RECORDED:
            raise KeyError(f"{name!r} is not recorded for every iteration; read it with records()")
        stop = self.count if stop is None else min(stop, self.count)
        start = min(max(start, 0), stop)
        if stop == start:
            return np.empty((0, self.n_outputs) if name == "error" else 0,
                            dtype={"example": np.int32, "error": np.float32}.get(name, np.float64))
        blocks: list[np.ndarray] = (self._errors if name == "error" else
                                    self._totals if name == "error_total" else self._examples)
        first_block, last_block = start // BLOCK_ROWS, (stop - 1) // BLOCK_ROWS
        if first_block == last_block:
            base = first_block * BLOCK_ROWS
            return blocks[first_block][start - base : stop - base]
        pieces = [blocks[b][max(start - b * BLOCK_ROWS, 0) : min(stop - b * BLOCK_ROWS, BLOCK_ROWS)]
                  for b in range(first_block, last_block + 1)]
        return np.concatenate(pieces)

    @property
    def error_total(self) -> np.ndarray:
        return self.column("error_total")

    @property
    def example(self) -> np.ndarray:
        return self.column("example")

    def _key_index(self, row: int) -> int:
        return bisect.bisect_right(self._key_rows, row) - 1

    def settings_at(self, row: int) -> Settings:
        """The settings row ``row``'s iteration used."""
        return self._keys[self._key_index(row)].settings

    def _segments(self, start: int, stop: int) -> list[tuple[int, int, Keyframe]]:
        """Rows ``start`` … ``stop - 1`` cut where keyframes are: (first, stop, keyframe before them)."""
        pieces = []
        row = start
        while row < stop:
            index = self._key_index(row)
            key = self._keys[index]
            end = self._key_rows[index + 1] if index + 1 < len(self._keys) else self.count
            pieces.append((row, min(end, stop), key))
            row = min(end, stop)
        return pieces

    def records(self, start: int, stop: int, loops: engine.Loops | None = None) -> IterationLog:
        """Full records of rows ``start`` … ``stop - 1`` (a new log; the weights after the last row
        in its spare row), rebuilt from the keyframes before them."""
        from gdviz.core.training import compute_rows

        stop = min(stop, self.count)
        start = min(max(start, 0), stop)
        out = IterationLog(self.n_inputs, self.n_outputs, max(stop - start, 1), self.first_iteration + start)
        cached = self._segment
        for first, end, key in self._segments(start, stop):
            if key.stored is not None:
                part, offset = key.stored, first - key.row
            elif cached is not None and cached[0] <= first and end <= cached[0] + cached[1].count:
                part, offset = cached[1], first - cached[0]
            else:
                index = self._key_index(first)  # the whole stretch to the next keyframe: scrubbing stays in it
                replay_to = self._key_rows[index + 1] if index + 1 < len(self._keys) else self.count
                part = IterationLog(self.n_inputs, self.n_outputs, replay_to - key.row, self.first_iteration + key.row)
                part.storage("weights")[0] = key.weights
                with np.errstate(all="ignore"):
                    compute_rows(part, 0, replay_to - key.row, key.settings, loops or replay_loops())
                part.count = replay_to - key.row
                self._check_replay(part, key.row)
                cached = self._segment = (key.row, part)
                offset = first - key.row
            rows = end - first
            done = first - start
            for name in FIELDS:
                out.storage(name)[done : done + rows] = part.storage(name)[offset : offset + rows]
            out.storage("weights")[done + rows] = part.storage("weights")[offset + rows]
        out.count = stop - start
        if stop == self.count:
            out.note = self.note
            if self.final_weights is not None:
                out.storage("weights")[out.count] = self.final_weights
        return out

    def _check_replay(self, part: IterationLog, first_row: int) -> None:
        recorded = self.column("error_total", first_row, first_row + part.count)
        if recorded.tobytes() != part.error_total.tobytes():
            raise ReplayMismatch(f"iterations {self.first_iteration + first_row} to "
                                 f"{self.first_iteration + first_row + part.count - 1} replay to other numbers "
                                 "than were recorded")

    def record(self, row: int) -> IterationLog:
        """Row ``row``'s full record, as a one-row log."""
        return self.records(row, row + 1)

    def slice(self, start: int, stop: int) -> IterationLog:
        """Rows ``start`` … ``stop - 1`` in full (as :meth:`IterationLog.slice`): :meth:`records`."""
        return self.records(start, stop)

    def weights_at(self, row: int) -> np.ndarray:
        """The weights before row ``row``'s iteration (``row == count``: the weights after the last)."""
        if row >= self.count:
            if self.final_weights is None:
                if self._after_stored is not None:
                    return self._after_stored
                raise IndexError("an empty log has no weights")
            return self.final_weights
        index = self._key_index(row)
        if self._key_rows[index] == row:
            return self._keys[index].weights
        weights: np.ndarray = self.records(row, row + 1).storage("weights")[0].copy()
        return weights

    def path(self, stop: int, dense: int = 2048, sparse: int = 2048) -> np.ndarray:
        """The weights before rows 0 … ``stop - 1``, for drawing where training went: every row of
        the first ``dense`` (where training moves most; rebuilt once and kept), then at most
        ``sparse`` keyframes, evenly spread."""
        stop = min(stop, self.count)
        key = (stop, dense, sparse, len(self._keys))
        if self._path is not None and self._path[0] == key:  # the bowls ask for the same one at every move
            return self._path[1]
        path = self._path_to(stop, dense, sparse)
        self._path = (key, path)
        return path

    def _path_to(self, stop: int, dense: int, sparse: int) -> np.ndarray:
        first = min(stop, dense)
        if self._dense is None or len(self._dense) < first:
            self._dense = np.array(self.records(0, first).weights) if first else None
        parts = [self._dense[:first]] if first and self._dense is not None else []
        rows = self._key_rows
        low, high = bisect.bisect_left(rows, first), bisect.bisect_left(rows, stop)
        if high > low:
            picks = np.unique(np.linspace(low, high - 1, min(sparse, high - low)).astype(np.int64))
            parts.append(np.stack([self._keys[int(i)].weights for i in picks]))
        if not parts:
            return np.empty((0, self.n_outputs, self.n_inputs))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def field(self, name: str) -> np.ndarray:
        """Every row of field ``name`` (recorded, or rebuilt for the whole log: for tests and short logs)."""
        if name in EXACT:
            return self.column(name)
        return self.records(0, self.count).field(name)

    def __getattr__(self, name: str) -> np.ndarray:
        if name in FIELDS:  # log.pred, log.weights …: rebuilt whole (see field)
            return self.field(name)
        raise AttributeError(name)

    # -- files ----------------------------------------------------------------------------------
    @classmethod
    def assemble(cls, n_inputs: int, n_outputs: int, first_iteration: int, keyframe_every: int,
                 error: np.ndarray, error_total: np.ndarray, example: np.ndarray, keys: list[Keyframe],
                 final_weights: np.ndarray, note: str | None) -> KeyframedLog:
        """A log from its parts (a session file's), checked: ValueError naming the first problem.
        Call :meth:`verify` to replay it against its records."""
        count = len(error_total)
        if error.shape != (count, n_outputs) or example.shape != (count,):
            raise ValueError("the records' columns differ in length")
        rows = [k.row for k in keys]
        if count and (not rows or rows[0] != 0):
            raise ValueError("the first iteration has no keyframe")
        if any(b <= a for a, b in zip(rows, rows[1:])) or any(not 0 <= r < count for r in rows):
            raise ValueError("keyframe rows must be increasing and within the log")
        for key, end in zip(keys, [*rows[1:], count]):
            if key.weights.shape != (n_outputs, n_inputs):
                raise ValueError(f"the keyframe at row {key.row} has weights of shape {key.weights.shape}")
            if key.stored is not None and key.stored.count != end - key.row:
                raise ValueError(f"the stored rows at row {key.row} are {key.stored.count}, not {end - key.row}")
            if key.stored is None and end - key.row > keyframe_every:
                raise ValueError(f"the keyframe at row {key.row} is followed by {end - key.row:,} rows, more than "
                                 f"the {keyframe_every:,} between two keyframes")
        log = cls(n_inputs, n_outputs, first_iteration, keyframe_every)
        if count:
            log._store(error, error_total, example)
        log._keys, log._key_rows = list(keys), rows
        log.count, log.note = count, note
        if count:
            log.final_weights = _frozen_copy(final_weights)
        return log

    def verify(self, loops: engine.Loops | None = None, progress: Callable[[int], None] | None = None) -> None:
        """Replay every stretch and compare with the records, bit for bit (ReplayMismatch if they differ);
        ``progress(rows)`` after each stretch."""
        from gdviz.core.training import compute_rows

        for index, key in enumerate(self._keys):
            end = self._key_rows[index + 1] if index + 1 < len(self._keys) else self.count
            if key.stored is not None:
                part = key.stored
            else:
                weights_after = key.weights
                for start in range(key.row, end, 1 << 16):
                    stop = min(start + (1 << 16), end)
                    part = IterationLog(self.n_inputs, self.n_outputs, stop - start, self.first_iteration + start)
                    part.storage("weights")[0] = weights_after
                    with np.errstate(all="ignore"):
                        compute_rows(part, 0, stop - start, key.settings, loops or engine.NUMPY_LOOPS)
                    part.count = stop - start
                    weights_after = part.storage("weights")[part.count].copy()
                    for name in RECORDED:
                        if _as_recorded(name, part.field(name)).tobytes() != self.column(name, start, stop).tobytes():
                            raise ReplayMismatch(
                                f"iterations {self.first_iteration + start} to {self.first_iteration + stop - 1} "
                                f"do not follow from their keyframe: their {name} differs")
                    if progress is not None:
                        progress(stop - start)
                continue
            for name in RECORDED:
                if _as_recorded(name, part.field(name)).tobytes() != self.column(name, key.row, end).tobytes():
                    raise ReplayMismatch(f"the stored iterations from {self.first_iteration + key.row} differ "
                                         f"from the records: their {name}")

    # -- copies ---------------------------------------------------------------------------------
    def shared(self) -> KeyframedLog:
        """The records so far as a log of their own, sharing this one's blocks (no copy): rows
        already written never change, and new ones go after them."""
        part = KeyframedLog(self.n_inputs, self.n_outputs, self.first_iteration, self.keyframe_every)
        part._errors, part._totals, part._examples = list(self._errors), list(self._totals), list(self._examples)
        part._keys, part._key_rows = list(self._keys), list(self._key_rows)
        part.count, part.note, part.final_weights = self.count, self.note, self.final_weights
        part._after_stored, part._last_computed = self._after_stored, self._last_computed
        part._segment = self._segment
        return part

    def head(self, count: int) -> KeyframedLog:
        """The first ``count`` records as a new log (its last block copied: a log appended to
        afterwards must not write into rows this one still holds)."""
        count = max(0, min(count, self.count))
        if count == self.count:
            part = self.shared()
            if part._totals and count % BLOCK_ROWS:
                part._copy_last_block()
            return part
        part = KeyframedLog(self.n_inputs, self.n_outputs, self.first_iteration, self.keyframe_every)
        blocks = -(-count // BLOCK_ROWS)
        part._errors, part._totals = list(self._errors[:blocks]), list(self._totals[:blocks])
        part._examples = list(self._examples[:blocks])
        if count % BLOCK_ROWS:
            part._copy_last_block()
        index = bisect.bisect_left(self._key_rows, count)
        part._keys, part._key_rows = self._keys[:index], self._key_rows[:index]
        part.count = count
        part.final_weights = _frozen_copy(self.weights_at(count)) if count else None
        if count == 0:
            part._keys, part._key_rows = [], []
        return part

    def _copy_last_block(self) -> None:
        self._errors[-1], self._totals[-1] = self._errors[-1].copy(), self._totals[-1].copy()
        self._examples[-1] = self._examples[-1].copy()

    def equals(self, other: KeyframedLog) -> bool:
        """The same records, bit for bit, and the same numbering (keyframes may differ)."""
        if (self.n_inputs, self.n_outputs, self.count, self.first_iteration) != \
                (other.n_inputs, other.n_outputs, other.count, other.first_iteration):
            return False
        mine, theirs = self.records(0, self.count), other.records(0, other.count)
        return all(mine.field(f).tobytes() == theirs.field(f).tobytes() for f in FIELDS)


def _curve_errors(error: np.ndarray) -> np.ndarray:
    """Errors as the curves keep them: float32, one larger than float32's largest as its largest."""
    kept: np.ndarray = np.clip(error, -CURVE_ERROR_MAX, CURVE_ERROR_MAX).astype(np.float32)
    return kept


def _as_recorded(name: str, values: np.ndarray) -> np.ndarray:
    return _curve_errors(values) if name == "error" else values


def _frozen_copy(weights: np.ndarray) -> np.ndarray:
    copy = np.array(weights, dtype=np.float64, copy=True)
    copy.flags.writeable = False
    return copy


def inferred_history(log: KeyframedLog) -> History | None:
    """The settings history a log's keyframes show (for files of gdviz 0.1 and 0.2, which kept none):
    a change wherever a keyframe's settings differ from the one before, and a weight typed in where a
    keyframe that the interval does not call for has the same settings. None for an empty log."""
    changes: list[Change] = []
    before: Settings | None = None
    for key in log.keyframes:
        iteration = log.first_iteration + key.row - 1
        if before is None or not (key.settings is before or key.settings.same_as(before)):
            changes.append(Change(iteration, key.settings))
        elif key.row % log.keyframe_every and key.stored is None:
            changes.append(Change(iteration, key.settings, weights_edited=True))
        before = key.settings
    return History(tuple(changes)) if changes else None


CHECK_ROWS = 4096
"""Rows replayed at a time while a full log (a session of gdviz 0.1 or 0.2) is checked."""


def from_full_log(log: IterationLog, settings: Settings, keyframe_every: int | None = None,
                  loops: engine.Loops | None = None) -> KeyframedLog:
    """A keyframed log of ``log``'s records (every field kept, as gdviz 0.1 and 0.2 wrote them).

    Those files do not say which settings each iteration used, only the final ``settings``, and
    each row's alpha, example and as-printed. So the rows are replayed from their stored weights,
    a stretch at a time, and compared with what is stored, bit for bit: where a row is not
    reproduced (the learner changed the data, a frozen weight or a weight there), a new keyframe
    starts at that row with the settings read off the row itself (its alpha, example, as-printed,
    its inputs and targets in the data, a weight counted as frozen where its stored weight_delta is
    exactly +0). A row that cannot be reproduced even so (a batch iteration on data that was edited
    later) is kept whole, as it is stored (:meth:`KeyframedLog.append_stored`).
    """
    from gdviz.core.training import compute_rows

    result = KeyframedLog(log.n_inputs, log.n_outputs, log.first_iteration, keyframe_every)
    row = 0
    try:
        current = _settings_of_row(log, 0, settings) if log.count else settings
    except ValueError:
        current = settings
    chunk = CHECK_ROWS  # after a row that was not reproduced, a few rows at a time, then doubling
    while row < log.count:
        stop = min(row + chunk, log.count)
        chunk = min(chunk * 2, CHECK_ROWS)
        stop = _same_settings_until(log, row, stop)
        part = IterationLog(log.n_inputs, log.n_outputs, stop - row, log.first_iteration + row)
        part.storage("weights")[0] = log.storage("weights")[row]
        with np.errstate(all="ignore"):
            compute_rows(part, 0, stop - row, current, loops or engine.NUMPY_LOOPS)
        part.count = stop - row
        good = _reproduced_rows(part, log, row)
        if good == 0:
            try:
                current = _settings_of_row(log, row, settings)
                retry = _replay_one(log, row, current)
            except ValueError:  # the row names an example the data lacks: it cannot be replayed
                retry = None
            if retry is None or not _reproduced_rows(retry, log, row):  # kept as stored, whole
                result.append_stored(log.slice(row, row + 1), current)
                row += 1
                chunk = 1
                continue
            good, part = 1, retry
        piece = part.slice(0, good)  # its spare row: the weights its last row computed (a weight typed in
        result.extend(piece, current)  # after it differs from them, and the next stretch gets a keyframe)
        row += good
        if row < log.count and (row < stop or _row_settings_change(log, row)):  # something changed at row
            try:
                current = _settings_of_row(log, row, settings)
            except ValueError:
                pass  # the next stretch is found out of step and stored
    result.note = log.note
    if log.count:
        result.final_weights = _frozen_copy(log.storage("weights")[log.count])
        result._last_computed = False  # the file's weights: a weight may have been typed in after the last row
    return result


def _row_settings_change(log: IterationLog, row: int) -> bool:
    """Alpha or as-printed differ from the row before (where the file itself says the settings changed)."""
    return bool(log.alpha[row] != log.alpha[row - 1] or log.as_printed[row] != log.as_printed[row - 1])


def _same_settings_until(log: IterationLog, row: int, stop: int) -> int:
    """The first row after ``row`` (before ``stop``) whose alpha or as-printed differ from ``row``'s."""
    alpha, printed = log.alpha[row:stop], log.as_printed[row:stop]
    differs = np.flatnonzero((alpha != alpha[0]) | (printed != printed[0]))
    return row + int(differs[0]) if differs.size else stop


def _settings_of_row(log: IterationLog, row: int, final: Settings) -> Settings:
    """The settings row ``row`` shows it used, as far as a row can show them."""
    example = int(log.example[row])
    data = final.data
    if example == NO_EXAMPLE:
        mode = "batch"
        example = min(final.example, data.n_examples - 1)
    else:
        n = data.n_examples
        ahead = log.example[row : row + 2].tolist()  # the next row tells cycle from example apart
        expected = [(log.first_iteration + row - 1 + k) % n for k in range(len(ahead))]
        if len(ahead) == 2 and n > 1 and ahead[0] != ahead[1]:
            mode = "cycle" if ahead == expected else "example"
        elif len(ahead) == 2 and n > 1:
            mode = "example"
        else:  # the last row, or one example: either mode gives the same numbers
            mode = "cycle" if final.mode == "cycle" and ahead[0] == expected[0] else "example"
        if example >= data.n_examples:
            raise ValueError(f"iteration {log.first_iteration + row} used example {example}, which the data lacks")
        inputs, targets = data.inputs.copy(), data.targets.copy()
        if inputs[example].tobytes() != log.inputs[row].tobytes() or \
                targets[example].tobytes() != log.targets[row].tobytes():
            inputs[example], targets[example] = log.inputs[row], log.targets[row]
            data = DataSet(data.input_names, data.output_names, inputs, targets, image=data.image)
    frozen = log.weight_deltas[row].view(np.uint64) == 0  # exactly +0.0: frozen or not, the same bits
    frozen = frozen & final.frozen if mode == final.mode and data is final.data else frozen
    return Settings(data, frozen, float(log.alpha[row]), mode, example, bool(log.as_printed[row]))


def _replay_one(log: IterationLog, row: int, settings: Settings) -> IterationLog:
    from gdviz.core.training import compute_rows

    part = IterationLog(log.n_inputs, log.n_outputs, 1, log.first_iteration + row)
    part.storage("weights")[0] = log.storage("weights")[row]
    with np.errstate(all="ignore"):
        compute_rows(part, 0, 1, settings, engine.NUMPY_LOOPS)
    part.count = 1
    return part


def _reproduced_rows(part: IterationLog, log: IterationLog, row: int) -> int:
    """How many rows of ``part`` (from the start) equal ``log``'s from ``row`` on, every field bit for bit
    (the weights before each included: a weight typed in between two rows shows there)."""
    rows = part.count
    same = np.ones(rows, dtype=bool)
    for name in FIELDS:
        mine = np.ascontiguousarray(part.field(name)).reshape(rows, -1)
        theirs = np.ascontiguousarray(log.field(name)[row : row + rows]).reshape(rows, -1)
        same &= (mine.view(np.uint8).reshape(rows, -1) == theirs.view(np.uint8).reshape(rows, -1)).all(axis=1)
    bad = np.flatnonzero(~same)
    return int(bad[0]) if bad.size else rows
