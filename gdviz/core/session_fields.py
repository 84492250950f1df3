"""The fields of a session file and their checks, shared by both versions of the format.

A session's settings (session.json in version 2, the whole document in version 1) and its log
columns are checked here, field by field: types (a number is an int or a float, never true or
text), shapes, finiteness, names, ranges. Each refusal is a :class:`SessionError` whose one line
names the field and the problem, e.g. ``'mode' must be one of example, cycle, batch, not
'sideways'``. See :mod:`gdviz.core.session` for the format itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gdviz.core.dataset import DataSet, check_names
from gdviz.core.log import FIELDS, NO_EXAMPLE, IterationLog
from gdviz.core.presets import PRESETS
from gdviz.core.state import SessionState
from gdviz.core.training import MODES, check_alpha

FORMAT = "gdviz-session"

MAX_ITERATION = 2**53
"""The largest iteration number a file may hold: the window's curves use iteration numbers as
float64, exact up to here."""


class SessionError(ValueError):
    """The file is not a gdviz session, or not a whole one: the message (one line) names the first
    problem found."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def npy_descr(dtype: np.dtype[Any]) -> str:
    """The .npy ``descr`` of ``dtype`` in the files' byte order: '<f8', '<i4', '|b1'."""
    return str(np.lib.format.dtype_to_descr(dtype.newbyteorder("<")))


def column_problem(name: str, values: NDArray[Any], first_iteration: int, square: bool) -> str | None:
    """What is wrong with records of log column ``name`` (the first one numbered ``first_iteration``),
    or None when they hold what a trainer logs: finite numbers, alpha > 0, an example number or
    NO_EXAMPLE, and true/false (true only on a square network) for the update as printed."""
    if values.dtype.kind == "f":
        good = np.isfinite(values)
        if name == "alpha":
            good &= values > 0
        expected = "a finite number greater than 0" if name == "alpha" else "a finite number"
    elif values.dtype.kind == "b":  # a .npy may hold other bytes than 0 and 1 in a bool array
        good = values.view(np.uint8) <= (1 if square else 0)
        expected = "true or false" if square else \
            "false (the update as printed only runs on a square network)"
    else:
        good = values >= NO_EXAMPLE
        expected = f"an example number (or {NO_EXAMPLE} for a batch)"
    if good.all():
        return None
    bad = int(np.argmin(good.reshape(len(values), -1).all(axis=1)))
    return f"log: {name!r} at iteration {first_iteration + bad} is not {expected}"


def column_layout(data: DataSet) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Each log field's .npy ``descr`` and record shape, for a network of ``data``'s shape."""
    template = IterationLog(data.n_inputs, data.n_outputs, capacity=1)
    return {name: (npy_descr(template.storage(name).dtype), template.storage(name).shape[1:]) for name in FIELDS}


@dataclass(frozen=True, eq=False)
class Settings:
    """The settings part of a session document (either version): a state but for its iteration."""

    data: DataSet
    initial_weights: NDArray[np.float64]
    weights: NDArray[np.float64]
    frozen: NDArray[np.bool_]
    alpha: float
    mode: str
    example: int
    as_printed: bool
    preset: str | None
    notes: tuple[str, ...]

    def state(self, iteration: int) -> SessionState:
        """The state these settings make at ``iteration`` (the log's last)."""
        try:
            return SessionState(data=self.data, initial_weights=self.initial_weights, weights=self.weights,
                                frozen=self.frozen, alpha=self.alpha, mode=self.mode, example=self.example,
                                as_printed=self.as_printed, preset=self.preset, iteration=iteration)
        except ValueError as exc:  # every field was checked already: this is a second line of defence
            raise SessionError(str(exc)) from None


def read_settings(document: dict[str, Any], *, strict: bool) -> Settings:
    """The settings in ``document``, every field checked; SessionError naming the first problem.

    ``strict``: refuse keys of ``data`` other than inputs and targets (version 2)."""
    preset, notes = _preset(need(document, "preset"))
    input_names = _names(need(document, "inputs"), "inputs", "input")
    output_names = _names(need(document, "outputs"), "outputs", "output")
    part = need(document, "data")
    if not isinstance(part, dict):
        raise SessionError(f"'data' must be an object with inputs and targets, not {show(part)}")
    if strict:
        exact_keys(part, ("inputs", "targets"), "data: ", optional=("one_hot", "image"))
    inputs = _matrix(need(part, "inputs", "data: "), "data: 'inputs'", None, len(input_names))
    targets = _matrix(need(part, "targets", "data: "), "data: 'targets'", len(inputs), len(output_names))
    one_hot = part.get("one_hot")  # the class column the outputs came from (issue 21)
    if one_hot is not None and not isinstance(one_hot, str):
        raise SessionError(f"data: 'one_hot' must be the class column's name, not {show(one_hot)}")
    image = part.get("image")  # [rows, columns]: the inputs are an image's pixels (issue 22)
    if image is not None and not (isinstance(image, list) and len(image) == 2):
        raise SessionError(f"data: 'image' must be [rows, columns], not {show(image)}")
    try:
        data = DataSet(input_names, output_names, inputs, targets, one_hot, None if image is None else tuple(image))
    except ValueError as exc:
        raise SessionError(f"data: {exc}") from None
    shape = (data.n_outputs, data.n_inputs)
    initial_weights = _matrix(need(document, "initial_weights"), "'initial_weights'", *shape)
    weights = _matrix(need(document, "weights"), "'weights'", *shape)
    frozen = _flags(need(document, "frozen"), "'frozen'", shape)
    alpha = _alpha(need(document, "alpha"))
    mode = need(document, "mode")
    if not isinstance(mode, str) or mode not in MODES:
        raise SessionError(f"'mode' must be one of {', '.join(MODES)}, not {show(mode)}")
    example = need(document, "example")
    if isinstance(example, bool) or not isinstance(example, int) or not 0 <= example < data.n_examples:
        raise SessionError(f"'example' must be 0 to {data.n_examples - 1}, not {show(example)}")
    as_printed = need(document, "as_printed")
    if not isinstance(as_printed, bool):
        raise SessionError(f"'as_printed' must be true or false, not {show(as_printed)}")
    if as_printed and data.n_inputs != data.n_outputs:
        raise SessionError(f"'as_printed' is true, but the update as printed only runs on a square network "
                           f"(this one has {data.n_inputs} inputs and {data.n_outputs} outputs)")
    return Settings(data, initial_weights, weights, frozen, alpha, mode, example, as_printed, preset, notes)


def need(document: dict[str, Any], key: str, where: str = "") -> Any:
    """``document[key]``; SessionError "'key' is missing" (after ``where``) if it is not there."""
    if key not in document:
        raise SessionError(f"{where}'{key}' is missing")
    return document[key]


def exact_keys(document: dict[str, Any], keys: tuple[str, ...], where: str = "",
               optional: tuple[str, ...] = ()) -> None:
    """Refuse a missing key or one that is not in ``keys`` (or ``optional``), naming the first."""
    for key in keys:
        need(document, key, where)
    for key in document:
        if key not in keys and key not in optional:
            raise SessionError(f"{where}unexpected key {show(key)}")


def whole(value: Any, what: str, low: int, high: int) -> int:
    """``value`` if it is an int (not a bool) from ``low`` to ``high``; SessionError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SessionError(f"{what} must be a whole number from {low} to {high}, not {show(value)}")
    return value


def show(value: Any) -> str:
    """A short text of a value from a file, for messages: strings as Python writes them, the rest as
    JSON, at most 40 characters."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"


def _preset(value: Any) -> tuple[str | None, tuple[str, ...]]:
    if value is None:
        return None, ()
    if not isinstance(value, str):
        raise SessionError(f"'preset' must be a preset's name or null, not {show(value)}")
    if value in PRESETS:
        return value, ()
    return None, (f"the preset {show(value)} is not one of gdviz's, so the session opens as a custom network",)


def _names(value: Any, key: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SessionError(f"'{key}' must be a list of {what} names, not {show(value)}")
    try:
        return check_names(value, what)
    except ValueError as exc:
        raise SessionError(f"'{key}': {exc}") from None


def _rows_of(value: Any, what: str, kind: str, rows: int | None, columns: int) -> list[list[Any]]:
    """``value`` if it is a list of ``rows`` (None: at least one) lists of ``columns`` items."""
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise SessionError(f"{what} must be a list of rows of {kind}, not {show(value)}")
    if (rows is None and not value) or (rows is not None and len(value) != rows) or \
            any(len(row) != columns for row in value):
        lengths = ", ".join(sorted({str(len(row)) for row in value}))
        found = f"{len(value)} rows of {lengths} values" if value else "0 rows"
        raise SessionError(f"{what} must have shape ({'at least 1' if rows is None else rows}, {columns}), "
                           f"not {found}")
    return value


def _matrix(value: Any, what: str, rows: int | None, columns: int) -> NDArray[np.float64]:
    """A table of finite numbers (ints or floats, not true/false or text) as a float64 array."""
    for row in _rows_of(value, what, "numbers", rows, columns):
        for number in row:
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise SessionError(f"{what} must hold numbers, not {show(number)}")
    try:
        array = np.array(value, dtype=np.float64)
    except OverflowError:
        raise SessionError(f"{what} holds a number too large for a float") from None
    if not np.isfinite(array).all():
        raise SessionError(f"{what} must be finite numbers (no nan or inf)")
    return array


def _flags(value: Any, what: str, shape: tuple[int, int]) -> NDArray[np.bool_]:
    for row in _rows_of(value, what, "true/false values", *shape):
        for flag in row:
            if not isinstance(flag, bool):
                raise SessionError(f"{what} must hold true/false values, not {show(flag)}")
    return np.array(value, dtype=bool)


def _alpha(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionError(f"'alpha' must be a number, not {show(value)}")
    try:
        return check_alpha(value)
    except OverflowError:
        raise SessionError("alpha must be a finite number greater than 0, not a number that large") from None
    except ValueError as exc:
        raise SessionError(str(exc)) from None


def check_format(document: Any) -> int:
    """The version of a session document (1, 2 or 3); SessionError if it is not a gdviz session."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionError(f'this is not a gdviz session file (no "format": "{FORMAT}")')
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in (1, 2, 3):
        newer = " (a newer gdviz may have written it)" if isinstance(version, int) and version > 3 else ""
        raise SessionError(f"session version {show(version)} is not supported: this gdviz reads versions 1, "
                           f"2 and 3{newer}")
    return version


def parse_json(raw: bytes, where: str) -> Any:
    """The JSON document in ``raw`` (UTF-8); SessionError saying where it is broken."""
    try:
        return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicates, parse_constant=float)
    except SessionError:
        raise
    except json.JSONDecodeError as exc:
        raise SessionError(f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except UnicodeDecodeError:
        raise SessionError(f"{where} is not UTF-8 text") from None
    except RecursionError:
        raise SessionError(f"{where} nests lists or objects too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise SessionError(f"{where} is not valid JSON: {exc}") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict, refusing a key given twice (json would keep the last silently)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise SessionError(f"the key {show(key)} appears twice in one object")
        document[key] = value
    return document
