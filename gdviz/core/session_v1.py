"""Version-1 session files (gdviz 0.1): one JSON document, with the log as lists of numbers::

    {"format": "gdviz-session", "version": 1, "preset": "multi-in" | null,
     "inputs": [names], "outputs": [names],
     "data": {"inputs": [[…] per example], "targets": [[…] per example]},
     "initial_weights": [[…] per output], "weights": [[…] per output],
     "alpha": 0.01, "mode": "example", "example": 0, "frozen": [[false, …] per output],
     "as_printed": false,
     "log": null | {"first_iteration": 1, "example": […], "alpha": […], "inputs": […], …}}

They are read as gdviz 0.1 read them: keys it did not know are ignored, and "preset",
"as_printed" and "log" may be missing. A log saved before the printed update existed has no
"as_printed" column; its records get the file's "as_printed" flag. Every value is checked as in
version 2, by :mod:`gdviz.core.session_fields`. gdviz only writes version 2 (see
:mod:`gdviz.core.session`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from gdviz.core.log import FIELDS, IterationLog
from gdviz.core.session_fields import (
    MAX_ITERATION,
    SessionError,
    Settings,
    column_layout,
    column_problem,
    need,
    read_settings,
    show,
    whole,
)

_KINDS = {"f": ("iuf", "numbers"), "i": ("iu", "whole numbers"), "b": ("b", "true/false values")}


def read_v1(document: dict[str, Any], log_capacity: Any) -> tuple[Settings, IterationLog]:
    """The settings and the log in a version-1 ``document`` (already parsed), every value checked.
    ``log_capacity``: see :func:`gdviz.core.session.load_session`."""
    from gdviz.core.session import capacity_for

    settings = read_settings({"preset": None, "as_printed": False, **document}, strict=False)
    return settings, _read_log(document.get("log"), settings, capacity_for(log_capacity, settings.data))


def _read_log(part: Any, settings: Settings, capacity: int) -> IterationLog:
    data = settings.data
    if part is None:
        return IterationLog(data.n_inputs, data.n_outputs, max(capacity, 1))
    if not isinstance(part, dict):
        raise SessionError(f"'log' must be an object or null, not {show(part)}")
    first = whole(need(part, "first_iteration", "log: "), "log: 'first_iteration'", 1, MAX_ITERATION)
    columns = {}
    for name, (descr, record) in column_layout(data).items():
        if name != "as_printed" or name in part:
            columns[name] = _column(need(part, name, "log: "), name, np.dtype(descr), record)
    count = len(columns["alpha"])
    for name, values in columns.items():
        if len(values) != count:
            raise SessionError(f"log: {name!r} has {len(values)} records, 'alpha' {count}")
    if first + count - 1 > MAX_ITERATION:
        raise SessionError(f"log: its last iteration would be {first + count - 1}, more than {MAX_ITERATION}")
    columns.setdefault("as_printed", np.full(count, settings.as_printed))
    for name, values in columns.items():
        problem = column_problem(name, values, first, data.n_inputs == data.n_outputs)
        if problem is not None:
            raise SessionError(problem)
    log = IterationLog(data.n_inputs, data.n_outputs, max(count, capacity, 1), first)
    for name in FIELDS:
        log.storage(name)[:count] = columns[name]
    log.count = count
    log.storage("weights")[count] = settings.weights  # the spare row: the weights after the last record
    return log


def _column(values: Any, name: str, dtype: np.dtype[Any], record: tuple[int, ...]) -> NDArray[Any]:
    """One column's lists as an array of ``dtype``: records of shape ``record`` holding the right
    kind of value (numbers for floats, whole numbers for examples, true/false for flags)."""
    kinds, what = _KINDS[dtype.kind]
    if not isinstance(values, list):
        raise SessionError(f"log: {name!r} must be a list of records, not {show(values)}")
    if not values:
        return np.empty((0, *record), dtype)
    try:
        array = np.array(values)
    except (ValueError, TypeError, OverflowError, RecursionError):
        array = None
    if array is None or array.shape[1:] != record:
        raise SessionError(f"log: {name!r} must be records of shape {record}")
    if array.dtype.kind not in kinds:
        raise SessionError(f"log: {name!r} must hold {what}")
    if dtype.kind == "i" and not np.all((array >= np.iinfo(dtype).min) & (array <= np.iinfo(dtype).max)):
        raise SessionError(f"log: {name!r} holds a number out of range")
    return array.astype(dtype)
