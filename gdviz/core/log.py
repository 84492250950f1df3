"""The iteration log: one record per iteration, lossless, in preallocated numpy arrays.

Each field is one numpy array whose first axis is the row. The arrays are allocated with room
to spare and grow geometrically (doubling), so appending is amortised O(1) and no Python object
is made per iteration. ``weights`` holds the weights *before* that iteration's update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray


class RecordSource(Protocol):
    """A log whose full records can be read (:class:`gdviz.core.keyframes.KeyframedLog`)."""

    count: int

    def records(self, start: int, stop: int) -> IterationLog: ...


NO_EXAMPLE = -1
"""The ``example`` of a ``batch`` iteration, which uses every example at once."""

# name -> (dtype, shape of one record given n_inputs and n_outputs)
_FIELDS: dict[str, tuple[type[np.generic], Callable[[int, int], tuple[int, ...]]]] = {
    "example": (np.int32, lambda n, m: ()),
    "alpha": (np.float64, lambda n, m: ()),
    "inputs": (np.float64, lambda n, m: (n,)),
    "targets": (np.float64, lambda n, m: (m,)),
    "pred": (np.float64, lambda n, m: (m,)),
    "delta": (np.float64, lambda n, m: (m,)),
    "error": (np.float64, lambda n, m: (m,)),
    "error_total": (np.float64, lambda n, m: ()),
    "weights": (np.float64, lambda n, m: (m, n)),
    "weight_deltas": (np.float64, lambda n, m: (m, n)),
    "as_printed": (np.bool_, lambda n, m: ()),  # the update as printed in the book (an erratum) was used
}
FIELDS = tuple(_FIELDS)


class IterationLog:
    """Records of consecutive iterations, numbered from ``first_iteration`` (1-based).

    Read the records through the properties (``log.pred`` is a count×M view, and so on); they
    are views into the log's storage, valid until the next append.
    """

    def __init__(self, n_inputs: int, n_outputs: int, capacity: int = 1024, first_iteration: int = 1,
                 max_capacity: int | None = None) -> None:
        self.n_inputs = n_inputs
        self.n_outputs = n_outputs
        self.first_iteration = first_iteration
        self.max_capacity = max_capacity  # doubling stops here (more records still fit, exactly)
        self.count = 0
        self.note: str | None = None  # why training stopped after the last record, if it stopped by itself
        self._arrays: dict[str, np.ndarray] = {}
        self._allocate(max(int(capacity), 1))

    # -- storage -----------------------------------------------------------------------------
    def _allocate(self, capacity: int) -> None:
        old, count = self._arrays, self.count
        arrays: dict[str, np.ndarray] = {}
        for name, (dtype, shape) in _FIELDS.items():
            # weights keep one spare row: the engine writes the weights after the last
            # iteration there, so every iteration reads and writes log rows only.
            rows = capacity + 1 if name == "weights" else capacity
            array = np.empty((rows, *shape(self.n_inputs, self.n_outputs)), dtype=dtype)
            if name in old:
                array[:count] = old[name][:count]
            arrays[name] = array
        self._arrays = arrays
        self.capacity = capacity

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more records (doubling the capacity as often as needed)."""
        needed = self.count + extra
        if needed > self.capacity:
            capacity = max(self.capacity, 1)
            while capacity < needed:
                capacity *= 2
            if self.max_capacity is not None:
                capacity = max(needed, min(capacity, self.max_capacity))
            self._allocate(capacity)

    def storage(self, name: str) -> np.ndarray:
        """The whole array behind field ``name``, spare rows included (for the engine)."""
        return self._arrays[name]

    # -- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.count

    def field(self, name: str) -> np.ndarray:
        return self._arrays[name][: self.count]

    def row_bytes(self, row: int) -> bytes:
        """Every field of record ``row`` as bytes: records with the same bytes are the same record
        (a key for what is worked out from one, such as its arithmetic's lines)."""
        return b"".join(self._arrays[name][row].tobytes() for name in _FIELDS)

    @property
    def example(self) -> NDArray[np.int32]:
        return self.field("example")

    @property
    def alpha(self) -> NDArray[np.float64]:
        return self.field("alpha")

    @property
    def inputs(self) -> NDArray[np.float64]:
        return self.field("inputs")

    @property
    def targets(self) -> NDArray[np.float64]:
        return self.field("targets")

    @property
    def pred(self) -> NDArray[np.float64]:
        return self.field("pred")

    @property
    def delta(self) -> NDArray[np.float64]:
        return self.field("delta")

    @property
    def error(self) -> NDArray[np.float64]:
        return self.field("error")

    @property
    def error_total(self) -> NDArray[np.float64]:
        return self.field("error_total")

    @property
    def weights(self) -> NDArray[np.float64]:
        return self.field("weights")

    @property
    def weight_deltas(self) -> NDArray[np.float64]:
        return self.field("weight_deltas")

    @property
    def as_printed(self) -> NDArray[np.bool_]:
        return self.field("as_printed")

    @property
    def iterations(self) -> np.ndarray:
        """The 1-based iteration numbers of the records, as int64."""
        return np.arange(self.first_iteration, self.first_iteration + self.count, dtype=np.int64)

    @property
    def last_iteration(self) -> int:
        """The number of the last record (``first_iteration - 1`` when empty)."""
        return self.first_iteration + self.count - 1

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (capacity, not just the records in use)."""
        return sum(a.nbytes for a in self._arrays.values())

    @staticmethod
    def bytes_per_record(n_inputs: int, n_outputs: int) -> int:
        return sum(
            np.dtype(dtype).itemsize * int(np.prod(shape(n_inputs, n_outputs), dtype=np.int64))
            for dtype, shape in _FIELDS.values()
        )

    def records(self, start: int, stop: int) -> IterationLog:
        """Rows ``start`` … ``stop - 1`` as a log of their own (the accessor every log has: see
        :class:`gdviz.core.keyframes.KeyframedLog`)."""
        return self.slice(start, stop)

    def record(self, row: int) -> IterationLog:
        return self.slice(row, row + 1)

    def column(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Field ``name`` for rows ``start`` … ``stop - 1`` (a view)."""
        return self.field(name)[start:stop]

    def weights_at(self, row: int) -> np.ndarray:
        """The weights before row ``row``'s iteration (``row == count``: after the last)."""
        weights: np.ndarray = self._arrays["weights"][min(row, self.count)]
        return weights

    # -- changing ----------------------------------------------------------------------------
    def clear(self, first_iteration: int = 1) -> None:
        """Forget every record; the next one is numbered ``first_iteration``."""
        self.count = 0
        self.first_iteration = first_iteration
        self.note = None

    def take(self) -> IterationLog:
        """A compact copy of every record, then clear; numbering carries on after the last one.

        The trainer thread hands its records to the window this way: the copy shares nothing
        with arrays the trainer goes on writing.
        """
        taken = self.slice(0, self.count)  # the note comes too: the slice ends at the last record
        self.clear(self.last_iteration + 1)
        return taken

    def slice(self, start: int, stop: int) -> IterationLog:
        """A compact copy of records ``start`` to ``stop`` (row indices, not iteration numbers)."""
        stop = min(stop, self.count)
        start = min(max(start, 0), stop)
        part = IterationLog(self.n_inputs, self.n_outputs, stop - start, self.first_iteration + start)
        for name, array in self._arrays.items():
            part._arrays[name][: stop - start] = array[start:stop]
        part._arrays["weights"][stop - start] = self._arrays["weights"][stop]  # the weights after the last
        part.count = stop - start
        part.note = self.note if stop == self.count else None
        return part

    def head(self, count: int) -> IterationLog:
        """The first ``count`` records as a log sharing this one's memory (no copy): see :meth:`shared`."""
        part = self.shared()
        count = max(0, min(count, self.count))
        part._arrays = {name: array[: count + 1 if name == "weights" else count]
                        for name, array in part._arrays.items()}
        part.capacity = part.count = count
        if count < self.count:
            part.note = None
        return part

    def shared(self) -> IterationLog:
        """The records so far, as a log that shares this one's memory: no copy, so it is instant
        however long the log.

        The shared records stay as they are while this log is appended to (new records go after
        them; a log that outgrows its arrays copies itself to new ones). Only :meth:`clear` followed
        by new records would write over them: whoever keeps a shared
        log must start a new log instead (the window does, on Reset).
        """
        part = IterationLog(self.n_inputs, self.n_outputs, capacity=1, first_iteration=self.first_iteration)
        part._arrays = {name: array[: self.count + 1 if name == "weights" else self.count]
                        for name, array in self._arrays.items()}
        part.capacity = part.count = self.count
        part.note = self.note
        return part

    def extend(self, other: IterationLog | RecordSource) -> None:
        """Append ``other``'s records, which must number on from this log's last one (a keyframed log's
        are rebuilt whole first)."""
        if not isinstance(other, IterationLog):
            other = other.records(0, other.count)
        if (other.n_inputs, other.n_outputs) != (self.n_inputs, self.n_outputs):
            raise ValueError("cannot join logs of networks of different shapes")
        if other.count or other.note:  # the note speaks of what follows the last record
            self.note = other.note
        if other.count == 0:
            return
        if self.count == 0:
            self.first_iteration = other.first_iteration
        elif other.first_iteration != self.last_iteration + 1:
            raise ValueError(
                f"records must be consecutive: iteration {other.first_iteration} "
                f"cannot follow {self.last_iteration}"
            )
        self.reserve(other.count)
        for name, array in self._arrays.items():
            array[self.count : self.count + other.count] = other._arrays[name][: other.count]
        self.count += other.count

    def append(self, **record: ArrayLike) -> None:
        """Append one record given field by field (for tests and readers; the engine writes rows)."""
        missing = set(FIELDS) - set(record)
        if missing:
            raise ValueError(f"a record needs {', '.join(sorted(missing))}")
        self.reserve(1)
        for name in FIELDS:
            self._arrays[name][self.count] = record[name]
        self.count += 1

    def equals(self, other: IterationLog) -> bool:
        """Exactly the same records and numbering, bit for bit: compared as bytes, since
        ``np.array_equal`` takes -0.0 for 0.0, which a CSV and the arithmetic tell apart."""
        return (
            (self.n_inputs, self.n_outputs, self.count, self.first_iteration)
            == (other.n_inputs, other.n_outputs, other.count, other.first_iteration)
            and all(self.field(f).tobytes() == other.field(f).tobytes() for f in FIELDS)
        )
