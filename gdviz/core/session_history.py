"""The settings history in a session file: the ``history`` key of ``session.json``.

::

    "history": [{"iteration": 0, "weights_edited": false, "alpha": 0.01, "mode": "example",
                 "example": 0, "as_printed": false, "frozen": [[false, …] per output],
                 "data": null | {"input_names": […], "output_names": […],
                                 "inputs": [[…] per example], "targets": [[…] per example]}}, …]

One entry per change (see :mod:`gdviz.core.history`), in order of iteration. ``data`` is null when
the data set is the one of the entry before (for the first entry: the session's own ``data``), so a
history of alpha changes stays a few hundred bytes. The last entry must be the session's own
settings. A file without the key (gdviz 0.2) opens with today's settings since iteration 0.
"""

from __future__ import annotations

from typing import Any

from gdviz.core.dataset import DataSet
from gdviz.core.history import Change, History, Settings, same_data
from gdviz.core.session_fields import SessionError, _alpha, _flags, _matrix, _names, exact_keys, need, show, whole
from gdviz.core.training import MODES

KEY = "history"
ENTRY_KEYS = ("iteration", "weights_edited", "alpha", "mode", "example", "as_printed", "frozen", "data")
SETTINGS_KEYS = ("alpha", "mode", "example", "as_printed", "frozen", "data")
DATA_KEYS = ("input_names", "output_names", "inputs", "targets")


def settings_documents(all_settings: list[Settings], data: DataSet) -> list[dict[str, Any]]:
    """The JSON form of each settings in turn; ``data`` null where it is the one before's (the
    first one's: ``data``, the session's own)."""
    entries = []
    before = data
    for settings in all_settings:
        same = settings.data is before or same_data(settings.data, before)
        entries.append({
            "alpha": settings.alpha, "mode": settings.mode, "example": settings.example,
            "as_printed": settings.as_printed, "frozen": settings.frozen.tolist(),
            "data": None if same else {
                "input_names": list(settings.data.input_names), "output_names": list(settings.data.output_names),
                "inputs": settings.data.inputs.tolist(), "targets": settings.data.targets.tolist()},
        })
        before = settings.data
    return entries


def read_settings_documents(value: Any, what: str, current: DataSet) -> list[Settings]:
    """The settings in ``value`` (a list written by :func:`settings_documents`), every field checked."""
    if not isinstance(value, list):
        raise SessionError(f"'{what}' must be a list, not {show(value)}")
    result = []
    data = current
    for number, entry in enumerate(value, 1):
        where = f"{what}, entry {number}: "
        if not isinstance(entry, dict):
            raise SessionError(f"{where}must be an object, not {show(entry)}")
        exact_keys(entry, SETTINGS_KEYS, where)
        settings = _settings(entry, where, data, current)
        data = settings.data
        result.append(settings)
    return result


def history_document(history: History, data: DataSet) -> list[dict[str, Any]]:
    """The JSON form of ``history`` (``data``: the session's data set, which a first entry may leave out)."""
    entries = settings_documents([change.settings for change in history.changes], data)
    return [{"iteration": change.iteration, "weights_edited": change.weights_edited, **entry}
            for change, entry in zip(history.changes, entries)]


def read_history(value: Any, current: Settings, last_iteration: int) -> History:
    """The history in ``value`` (the ``history`` key), every field checked; SessionError naming the
    first problem. ``current``: the session's own settings, which the last entry must be."""
    if not isinstance(value, list) or not value:
        raise SessionError(f"'history' must be a list of changes, not {show(value)}")
    changes = []
    data = current.data
    previous = -1
    for number, entry in enumerate(value, 1):
        where = f"history, change {number}: "
        if not isinstance(entry, dict):
            raise SessionError(f"{where}must be an object, not {show(entry)}")
        exact_keys(entry, ENTRY_KEYS, where)
        iteration = whole(entry["iteration"], f"{where}'iteration'", previous + 1, last_iteration)
        previous = iteration
        edited = entry["weights_edited"]
        if not isinstance(edited, bool):
            raise SessionError(f"{where}'weights_edited' must be true or false, not {show(edited)}")
        settings = _settings(entry, where, data, current.data)
        data = settings.data
        changes.append(Change(iteration, settings, edited))
    if not changes[-1].settings.same_as(current):
        raise SessionError("the history's last change is not the session's own settings")
    return History(tuple(changes))


def _settings(entry: dict[str, Any], where: str, data: DataSet, current: DataSet) -> Settings:
    if entry["data"] is not None:
        data = _data(entry["data"], where, current)
    shape = (data.n_outputs, data.n_inputs)
    mode = entry["mode"]
    if not isinstance(mode, str) or mode not in MODES:
        raise SessionError(f"{where}'mode' must be one of {', '.join(MODES)}, not {show(mode)}")
    example = whole(entry["example"], f"{where}'example'", 0, data.n_examples - 1)
    as_printed = entry["as_printed"]
    if not isinstance(as_printed, bool) or (as_printed and shape[0] != shape[1]):
        raise SessionError(f"{where}'as_printed' must be true (on a square network) or false, not "
                           f"{show(as_printed)}")
    try:
        alpha = _alpha(entry["alpha"])
    except SessionError as exc:
        raise SessionError(f"{where}{exc}") from None
    frozen = _flags(need(entry, "frozen", where), f"{where}'frozen'", shape)
    return Settings(data, frozen, alpha, mode, example, as_printed)


def _data(value: Any, where: str, current: DataSet) -> DataSet:
    if not isinstance(value, dict):
        raise SessionError(f"{where}'data' must be null or an object, not {show(value)}")
    exact_keys(value, DATA_KEYS, f"{where}data: ")
    input_names = _names(value["input_names"], "input_names", "input")
    output_names = _names(value["output_names"], "output_names", "output")
    if (len(input_names), len(output_names)) != (current.n_inputs, current.n_outputs):
        raise SessionError(f"{where}the data set has {len(input_names)} inputs and {len(output_names)} outputs, "
                           f"the network {current.n_inputs} and {current.n_outputs}")
    inputs = _matrix(value["inputs"], f"{where}data: 'inputs'", None, len(input_names))
    targets = _matrix(value["targets"], f"{where}data: 'targets'", len(inputs), len(output_names))
    try:
        return DataSet(input_names, output_names, inputs, targets, image=current.image)  # the same inputs' image
    except ValueError as exc:
        raise SessionError(f"{where}data: {exc}") from None
