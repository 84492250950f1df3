"""Session files: a whole training setup (and optionally its log) as JSON.

    {"format": "gdviz-session", "version": 1, "preset": "multi-in" | null,
     "inputs": [names], "outputs": [names],
     "data": {"inputs": [[…] per example], "targets": [[…] per example]},
     "initial_weights": [[…] per output], "weights": [[…] per output],
     "alpha": 0.01, "mode": "example", "example": 0, "frozen": [[false, …] per output],
     "as_printed": false,
     "log": null | {"first_iteration": 1, "example": […], "alpha": […], "inputs": […], …}}

Floats are written with Python's ``repr``, so a saved session reads back exactly. A file that
does not fit raises :class:`SessionError` naming the first problem, before anything changes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from gdviz.core.dataset import DataSet, finite_matrix
from gdviz.core.files import atomic_write
from gdviz.core.log import FIELDS
from gdviz.core.training import MODES, Training, check_alpha

FORMAT, VERSION = "gdviz-session", 1


class SessionError(ValueError):
    """The file is not a gdviz session (the message names the first problem)."""


@dataclass
class Session:
    preset: str | None
    training: Training  # settings, initial and current weights, and (maybe) the log


def session_to_dict(session: Session, include_log: bool = True) -> dict:
    training = session.training
    data = training.data
    document = {
        "format": FORMAT, "version": VERSION, "preset": session.preset,
        "inputs": list(data.input_names), "outputs": list(data.output_names),
        "data": {"inputs": data.inputs.tolist(), "targets": data.targets.tolist()},
        "initial_weights": training.initial_weights.tolist(), "weights": training.weights.tolist(),
        "alpha": training.alpha, "mode": training.mode, "example": training.example,
        "frozen": training.frozen.tolist(), "as_printed": training.as_printed, "log": None,
    }
    if include_log:
        log = training.log
        document["log"] = {"first_iteration": log.first_iteration,
                           **{name: log.field(name).tolist() for name in FIELDS}}
    return document


def save_session(path, session: Session, include_log: bool = True) -> None:
    """Write the session to ``path`` atomically (OSError on failure, nothing half-written)."""
    text = json.dumps(session_to_dict(session, include_log), allow_nan=False)
    with atomic_write(path, "w", encoding="utf-8") as file:
        file.write(text)


def _need(document: dict, key: str, kind, what: str):
    if key not in document:
        raise SessionError(f"'{key}' is missing ({what})")
    value = document[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SessionError(f"'{key}' must be {what}, not {json.dumps(value)[:40]}")
    return value


def session_from_dict(document) -> Session:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionError("this is not a gdviz session file (no \"format\": \"gdviz-session\")")
    if document.get("version") != VERSION:
        raise SessionError(f"version {document.get('version')!r} is not supported (this gdviz reads {VERSION})")
    inputs = _need(document, "inputs", list, "a list of input names")
    outputs = _need(document, "outputs", list, "a list of output names")
    data_part = _need(document, "data", dict, "an object with inputs and targets")
    try:
        data = DataSet(tuple(inputs), tuple(outputs), _need(data_part, "inputs", list, "a list of rows"),
                       _need(data_part, "targets", list, "a list of rows"))
    except ValueError as exc:
        raise SessionError(f"data: {exc}") from None
    shape = (data.n_outputs, data.n_inputs)
    try:
        initial = finite_matrix(_need(document, "initial_weights", list, "rows of numbers"), shape, "initial_weights")
        weights = finite_matrix(_need(document, "weights", list, "rows of numbers"), shape, "weights")
        alpha = check_alpha(_need(document, "alpha", float, "a number"))
    except ValueError as exc:
        raise SessionError(str(exc)) from None
    mode = _need(document, "mode", str, f"one of {', '.join(MODES)}")
    if mode not in MODES:
        raise SessionError(f"'mode' must be one of {', '.join(MODES)}, not {mode!r}")
    example = _need(document, "example", int, "a whole number")
    if not 0 <= example < data.n_examples:
        raise SessionError(f"'example' must be 0 to {data.n_examples - 1}, not {example}")
    frozen = np.array(_need(document, "frozen", list, "rows of true/false"), dtype=object)
    if frozen.shape != shape or not all(isinstance(v, bool) for v in frozen.ravel()):
        raise SessionError(f"'frozen' must be {shape[0]} rows of {shape[1]} true/false values")
    training = Training(data, initial, alpha, mode=mode, example=example, frozen=frozen.astype(bool))
    training.weights = weights
    try:
        training.set_as_printed(bool(document.get("as_printed", False)))
    except ValueError as exc:
        raise SessionError(f"'as_printed': {exc}") from None
    if document.get("log") is not None:
        _read_log(document["log"], training)
    preset = document.get("preset")
    return Session(preset if isinstance(preset, str) else None, training)


def _read_log(part, training: Training) -> None:
    if not isinstance(part, dict):
        raise SessionError("'log' must be an object or null")
    log = training.log
    first = part.get("first_iteration")
    if not isinstance(first, int) or isinstance(first, bool) or first < 1:
        raise SessionError("log: 'first_iteration' must be a whole number from 1")
    count = len(part.get("alpha", []))
    log.reserve(count)
    for name in FIELDS:
        try:
            values = np.array(part[name], dtype=log.storage(name).dtype)
        except KeyError:
            raise SessionError(f"log: '{name}' is missing") from None
        except (TypeError, ValueError):
            raise SessionError(f"log: '{name}' must hold numbers") from None
        if values.shape != (count, *log.storage(name).shape[1:]):
            raise SessionError(f"log: '{name}' must have {count} records of shape {log.storage(name).shape[1:]}")
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            raise SessionError(f"log: '{name}' holds a value that is not a finite number")
        log.storage(name)[:count] = values
    log.count, log.first_iteration = count, first


def load_session(path) -> Session:
    """Read a session file; SessionError (naming the first problem) or OSError if it cannot."""
    with open(path, encoding="utf-8") as file:
        try:
            document = json.load(file, parse_constant=lambda name: math.nan)
        except json.JSONDecodeError as exc:
            raise SessionError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return session_from_dict(document)
