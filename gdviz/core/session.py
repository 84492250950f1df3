"""Session files: a whole training session (settings, weights and, optionally, its log) in one file.

Version 3, what gdviz writes, is a zip archive (``NAME.gdviz``) of members stored or deflated::

    session.json      {"format": "gdviz-session", "version": 3, "preset": "multi-in" | null,
                       "inputs": [names], "outputs": [names],
                       "data": {"inputs": [[…] per example], "targets": [[…] per example]},
                       "initial_weights": [[…] per output], "weights": [[…] per output],
                       "frozen": [[false, …] per output], "alpha": 0.01, "mode": "cycle",
                       "example": 0, "as_printed": false, "shown": null | 12,
                       "log": {"first_iteration": 1, "count": 25, "note": null | "Training stopped …",
                               "keyframe_every": 512, "keyframes": 3, "stored_rows": 0},
                       "history": [every change of the settings, see gdviz.core.session_history],
                       "keyframe_settings": [the settings the keyframes use, the same form],
                       "view": {how the window showed it: optional, see gdviz.core.session_view}}
    log/error.npy, log/error_total.npy, log/example.npy      the records: ``count`` rows each
    keyframes/row.npy, keyframes/weights.npy, keyframes/settings.npy, keyframes/stored.npy
                      the keyframes: the row, the weights before it, the index of its settings in
                      ``keyframe_settings``, and whether its stretch is stored whole
    stored/<field>.npy  the full records of the stored stretches (see gdviz.core.keyframes), in order

(one .npy array each, little-endian, C order). Every other number of the log is rebuilt by
replaying from the keyframe before it (:mod:`gdviz.core.keyframes`); opening replays the whole log
once and refuses a file whose records do not follow from its keyframes, bit for bit.

``weights`` are the weights after iteration ``first_iteration + count - 1`` (the state's
iteration); ``shown`` is the iteration the window shows (null: the latest); ``note`` says why
training stopped after the last record, if it stopped by itself; ``history`` holds every change of
the settings with the iteration it took effect at.

Version 2 (gdviz 0.2: every field of every iteration, ``log/<field>.npy``, and no keyframes; an
optional ``history``) and version 1 (gdviz 0.1: one JSON document, the log as lists,
:mod:`gdviz.core.session_v1`) still open: their logs are turned into keyframed logs, checked by
replay (:func:`gdviz.core.keyframes.from_full_log`). A file is recognised by its content, whatever
its name.

Why a zip of .npy: a 1,000,000-iteration 3×3 log as JSON was 667 MB, took 28 s to write and 22 s
and 3.9 GB of memory to read; as .npy it moves at disk speed. The members are stored, or deflated
for a file to hand out (``compress``): a stored member's size is checked against the file's length,
a deflated one's against what deflate can pack into its bytes, before anything is allocated.
Floats are exact: JSON floats are Python's ``repr``, and .npy is the bits themselves.

Choices:

- A preset name gdviz does not know opens as a custom network (``state.preset`` None), and
  :attr:`Session.notes` says so for the caller to show: the file holds the whole network, so the
  name is only a label.
- A file holds exactly the members and keys of its version; a missing or an extra one is refused,
  naming it. Extra content comes from another program (a newer gdviz would raise the version), and
  opening the file without it would drop it silently at the next save.
- Saved without its log (``include_log=False``), a session opens at iteration 0 with an empty log
  whose next iteration is 1: the current weights are where training starts again, while
  ``initial_weights`` are kept, so Reset still goes back to where the session started. ``shown``
  is not kept (there is nothing to show but the latest).
- Not kept at all: ``playing``, ``speed`` and Run N's counters (how the window was animating).
"""

from __future__ import annotations

import ast
import errno
import io
import json
import operator
import os
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from gdviz.core import session_v1
from gdviz.core.dataset import DataSet
from gdviz.core.files import Cancelled, atomic_write
from gdviz.core.history import History, Settings
from gdviz.core.keyframes import (
    RECORDED,
    Keyframe,
    KeyframedLog,
    ReplayMismatch,
    from_full_log,
    inferred_history,
    replay_loops,
)
from gdviz.core.log import FIELDS, IterationLog
from gdviz.core.session_fields import (
    FORMAT,
    MAX_ITERATION,
    SessionError,
    check_format,
    column_layout,
    column_problem,
    exact_keys,
    npy_descr,
    parse_json,
    read_settings,
    show,
    whole,
)
from gdviz.core.session_history import KEY as HISTORY_KEY
from gdviz.core.session_history import history_document, read_history, read_settings_documents, settings_documents
from gdviz.core.session_view import VIEW_KEY, read_view
from gdviz.core.state import SessionState

__all__ = ["SUFFIX", "Cancelled", "Progress", "Session", "SessionError", "load_session", "save_session"]

VERSION = 3
SUFFIX = ".gdviz"
JSON_MEMBER = "session.json"
MEMBERS = (JSON_MEMBER, *(f"log/{name}.npy" for name in FIELDS))  # version 2
KEYS = ("format", "version", "preset", "inputs", "outputs", "data", "initial_weights", "weights", "frozen",
        "alpha", "mode", "example", "as_printed", "shown", "log")  # version 2 (and "history", optional)
KEYFRAME_MEMBERS = ("keyframes/row.npy", "keyframes/weights.npy", "keyframes/settings.npy", "keyframes/stored.npy")
MEMBERS_V3 = (JSON_MEMBER, *(f"log/{name}.npy" for name in RECORDED), *KEYFRAME_MEMBERS,
              *(f"stored/{name}.npy" for name in FIELDS))
KEYS_V3 = (*KEYS, "history", "keyframe_settings")
LOG_KEYS_V3 = ("first_iteration", "count", "note", "keyframe_every", "keyframes", "stored_rows")

CHUNK = 4 << 20
"""Bytes moved between progress reports (about 70 reports for a 1,000,000-iteration 3×3 log), and
the most a read holds besides the log itself."""

MAX_JSON_BYTES = 64 << 20  # session.json holds settings and data only
MAX_DEFLATE_RATIO = 1032  # deflate's largest ratio (zlib's technical notes)
MAX_NPY_HEADER = 4096  # gdviz's headers are 118 bytes; numpy itself refuses more than 10,000

Progress = Callable[[int, int], "bool | None"]
"""``progress(done, total)`` in bytes, called every few MB; returning False cancels."""

_SWAP = sys.byteorder != "little"  # the files are little-endian whatever the machine


@dataclass(frozen=True, eq=False)
class Session:
    """A whole session: the state (settings, and the weights after ``state.iteration``), the log of
    the iterations up to it, and the iteration the window shows (None: the latest).

    ``state.preset`` carries the preset's name; ``state.iteration`` equals ``log.last_iteration``.
    ``notes``: what the user should be told about how the file was read (an unknown preset opened
    as a custom network).
    """

    state: SessionState
    log: KeyframedLog | IterationLog  # a full log (a trainer's) is keyframed when saved
    shown: int | None = None
    notes: tuple[str, ...] = ()
    view: dict[str, Any] | None = None  # how the window showed it (gdviz.core.session_view), if known

    def __post_init__(self) -> None:
        data, log = self.state.data, self.log
        if (log.n_inputs, log.n_outputs) != (data.n_inputs, data.n_outputs):
            raise ValueError(f"the log is of a {log.n_inputs}×{log.n_outputs} network, "
                             f"the state of a {data.n_inputs}×{data.n_outputs} one")
        if self.state.iteration != log.last_iteration:
            raise ValueError(f"the state is at iteration {self.state.iteration} but the log ends at "
                             f"{log.last_iteration}")
        if self.shown is not None:
            if isinstance(self.shown, bool):
                raise ValueError(f"shown must be an iteration number or None, not {self.shown}")
            shown = operator.index(self.shown)
            if not 0 <= shown <= log.last_iteration:
                raise ValueError(f"shown must be 0 to {log.last_iteration}, not {shown}")
            object.__setattr__(self, "shown", shown)


# -- saving ------------------------------------------------------------------------------------

def save_session(path: str | os.PathLike[str], session: Session, *, include_log: bool = True,
                 progress: Progress | None = None, compress: bool = False) -> None:
    """Write ``session`` to ``path`` (a version-3 file), atomically.

    On failure or cancel nothing is left behind: no file, no temporary, and a file that was at
    ``path`` keeps its content. Raises OSError when writing fails, :class:`Cancelled` when
    ``progress`` returns False, and ValueError for a log a trainer cannot make (numbers that are not
    finite), which gdviz would refuse to open. ``include_log=False`` writes the settings and the
    current weights only (see the module's notes). The log must not change while it is written: pass
    a :meth:`KeyframedLog.shared` copy of a log that is only appended to. ``compress``: the members
    deflated (a file to hand out; slower to write and read).
    """
    state = session.state
    n_inputs, n_outputs = state.data.n_inputs, state.data.n_outputs
    log = session.log if include_log else KeyframedLog(n_inputs, n_outputs)
    if isinstance(log, IterationLog):  # a trainer's full log: checked as it is, then keyframed
        for name in FIELDS:
            problem = column_problem(name, log.field(name), log.first_iteration, state.square)
            if problem is not None:
                raise ValueError(f"{problem}; gdviz would refuse such a file, so it was not written")
        log = from_full_log(log, state.settings)
    document = _document(state, log, session.shown if include_log else None)
    # without the log, the session starts again at iteration 0: no past to keep
    history = state.changes.up_to(log.last_iteration) if include_log else History.starting(state.settings)
    document[HISTORY_KEY] = history_document(history, state.data)
    distinct, indices = _distinct_settings(log)
    document["keyframe_settings"] = settings_documents(distinct, state.data)
    if session.view is not None:
        document[VIEW_KEY] = read_view(session.view, n_outputs)  # checked as a reader will
    stored = [k.stored for k in log.keyframes if k.stored is not None]
    document["log"].update(keyframe_every=log.keyframe_every, keyframes=len(log.keyframes),
                           stored_rows=sum(part.count for part in stored))
    text = json.dumps(document, allow_nan=False)
    settings = text.encode("utf-8")
    keys = log.keyframes
    columns: dict[str, NDArray[Any]] = {f"log/{name}.npy": np.ascontiguousarray(log.column(name)) for name in RECORDED}
    columns["keyframes/row.npy"] = np.array([k.row for k in keys], dtype=np.int64)
    columns["keyframes/weights.npy"] = (np.stack([k.weights for k in keys]) if keys
                                        else np.empty((0, n_outputs, n_inputs)))
    columns["keyframes/settings.npy"] = np.array(indices, dtype=np.int32)
    columns["keyframes/stored.npy"] = np.array([k.stored is not None for k in keys], dtype=np.uint8)
    for name in FIELDS:
        template = IterationLog(n_inputs, n_outputs, 1).storage(name)
        columns[f"stored/{name}.npy"] = (np.concatenate([part.field(name) for part in stored]) if stored
                                         else np.empty((0, *template.shape[1:]), template.dtype))
    headers = {name: _npy_header(npy_descr(values.dtype), values.shape) for name, values in columns.items()}
    meter = _Meter(progress, len(settings) + sum(len(headers[n]) + columns[n].nbytes for n in columns), "saving")
    meter.report()
    when = time.localtime()[:6]
    # On an exception the archive is still closed (its directory written) before atomic_write
    # deletes the temporary file: left to the garbage collector, it would write to a closed file.
    kind = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with atomic_write(path, "wb") as file, zipfile.ZipFile(file, "w", kind, allowZip64=True) as archive:
        archive.writestr(_member_info(JSON_MEMBER, len(settings), when, kind), settings)
        meter.add(len(settings))
        for name, values in columns.items():
            _write_column(archive, name, values, headers[name], when, log.first_iteration, state.square, meter, kind)


def _distinct_settings(log: KeyframedLog) -> tuple[list[Settings], list[int]]:
    """The keyframes' settings, each once (by identity, then by value), and each keyframe's index."""
    distinct: list[Settings] = []
    indices = []
    by_identity: dict[int, int] = {}  # a data set is compared once per settings object, not per keyframe
    for key in log.keyframes:
        found = by_identity.get(id(key.settings))
        if found is None:
            found = next((i for i, known in enumerate(distinct) if known.same_as(key.settings)), None)
        if found is None:
            found = len(distinct)
            distinct.append(key.settings)
        by_identity[id(key.settings)] = found
        indices.append(found)
    return distinct, indices


def _document(state: SessionState, log: KeyframedLog, shown: int | None) -> dict[str, Any]:
    data = state.data
    return {
        "format": FORMAT, "version": VERSION, "preset": state.preset,
        "inputs": list(data.input_names), "outputs": list(data.output_names),
        "data": {"inputs": data.inputs.tolist(), "targets": data.targets.tolist(),
                 **({"one_hot": data.one_hot} if data.one_hot is not None else {}),
                 **({"image": list(data.image)} if data.image is not None else {})},
        "initial_weights": state.initial_weights.tolist(), "weights": state.weights.tolist(),
        "frozen": state.frozen.tolist(), "alpha": float(state.alpha), "mode": state.mode,
        "example": int(state.example), "as_printed": bool(state.as_printed), "shown": shown,
        "log": {"first_iteration": log.first_iteration, "count": log.count, "note": log.note},
    }


def _npy_header(descr: str, shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _member_info(name: str, size: int, when: tuple[int, ...], kind: int = zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]  # six ints, as time gives them
    info.compress_type = kind
    info.file_size = size  # known before writing, so zipfile picks ZIP64 headers up front when needed
    info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
    return info


def _write_column(archive: zipfile.ZipFile, name: str, values: NDArray[Any], header: bytes,
                  when: tuple[int, ...], first_iteration: int, square: bool, meter: _Meter,
                  kind: int = zipfile.ZIP_STORED) -> None:
    """Write one log column in chunks straight from the log's memory (a copy only on a big-endian
    machine), checking each chunk as a reader will."""
    little = values.dtype.newbyteorder("<")
    rows = _rows_per_chunk(values)
    member_name, name = (name, name.split("/")[-1].removesuffix(".npy")) if "/" in name else (f"log/{name}.npy", name)
    with archive.open(_member_info(member_name, len(header) + values.nbytes, when, kind), "w") as member:
        member.write(header)
        meter.add(len(header))
        for start in range(0, len(values), rows):
            chunk = np.ascontiguousarray(values[start : start + rows], dtype=little)
            problem = column_problem(name, chunk, first_iteration + start, square)
            if problem is not None:
                raise ValueError(f"{problem}; gdviz would refuse such a file, so it was not written")
            member.write(chunk.reshape(-1).view(np.uint8).data)  # a memoryview of bytes: len() counts bytes
            meter.add(chunk.nbytes)


def _rows_per_chunk(values: NDArray[Any]) -> int:
    return max(1, CHUNK // max(1, values.itemsize * int(np.prod(values.shape[1:], dtype=np.int64))))


class _Meter:
    """Counts the bytes moved and tells ``progress``; raises :class:`Cancelled` when it says stop.

    An exception of ``progress`` itself is kept as ``failure``, so that opening lets it through
    instead of taking it for damage in the file."""

    def __init__(self, progress: Progress | None, total: int, doing: str) -> None:
        self.progress, self.total, self.doing = progress, total, doing
        self.done = 0
        self.failure: Exception | None = None

    def add(self, nbytes: int) -> None:
        self.done += nbytes
        self.report()

    def report(self) -> None:
        if self.progress is None:
            return
        try:
            go_on = self.progress(min(self.done, self.total), self.total)
        except Exception as exc:
            self.failure = exc
            raise
        if go_on is False:
            raise Cancelled(f"{self.doing} cancelled")


# -- opening -----------------------------------------------------------------------------------

_DAMAGE = (ValueError, TypeError, LookupError, EOFError, struct.error, ArithmeticError, NotImplementedError,
           RuntimeError, zlib.error)
"""What the zip, JSON and numpy readers raise on damaged content that the checks here did not
foresee; each becomes a SessionError (the checks name the foreseen problems better)."""


Capacity = int | Callable[[DataSet], int] | None
"""Room for records in an opened log: a number, or a function of the network (the window keeps
a gigabyte of records, so the rows depend on the record's size)."""


def capacity_for(log_capacity: Capacity, data: DataSet) -> int:
    value = log_capacity(data) if callable(log_capacity) else (log_capacity or 0)
    if value < 0:
        raise ValueError(f"log_capacity must be 0 or more, not {value}")
    return value


def load_session(path: str | os.PathLike[str], *, progress: Progress | None = None,
                 log_capacity: Capacity = None) -> Session:
    """Open a session file: version 2 (a zip archive) or 1 (JSON), told apart by content.

    The result is a whole, checked Session, or SessionError naming the first problem (whatever the
    content); OSError if the file cannot be read, :class:`Cancelled` when ``progress`` returns
    False. ``log_capacity``: room for at least this many records in the log (the window's; a number
    or a function of the data set), so that training can go on without the log growing; untouched
    memory costs nothing. The log's columns
    go straight from the file into it, a few MB at a time: opening holds little besides the log.
    """
    if isinstance(log_capacity, int) and log_capacity < 0:
        raise ValueError(f"log_capacity must be 0 or more, not {log_capacity}")
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        meter = _Meter(progress, size, "opening")
        try:
            meter.report()
            session = _read(file, size, meter, log_capacity)
        except Exception as exc:
            if exc is meter.failure or isinstance(exc, (SessionError, Cancelled)):
                raise
            raise _refusal(exc) from exc
    meter.done = meter.total
    meter.report()
    return session


def _refusal(exc: Exception) -> SessionError:
    """The SessionError for what a reader raised on damaged content; any other exception goes on."""
    if isinstance(exc, MemoryError):
        return SessionError("there is not enough memory to open this session")
    if isinstance(exc, zipfile.BadZipFile):
        return SessionError(f"the file is damaged: {exc}")
    if isinstance(exc, _DAMAGE):
        return SessionError(f"the file is damaged or not a gdviz session ({type(exc).__name__}: {exc})")
    if isinstance(exc, OSError) and exc.errno == errno.EINVAL:  # a seek where a damaged directory points
        return SessionError(f"the file is damaged: {exc.strerror}")
    raise exc


def _read(file: IO[bytes], size: int, meter: _Meter, log_capacity: Capacity) -> Session:
    head = file.read(4096)
    file.seek(0)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _read_zip(file, size, meter, log_capacity)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        pieces = []
        while piece := file.read(CHUNK):
            pieces.append(piece)
            meter.add(len(piece))
        document = parse_json(b"".join(pieces), "the file")
        if check_format(document) != 1:
            raise SessionError("the file says version 2, but a version-2 session is a zip archive, not JSON")
        settings, log = session_v1.read_v1(document, log_capacity)
        state = settings.state(log.last_iteration)
        keyframed = from_full_log(log, state.settings, loops=replay_loops())
        return Session(_with_inferred_history(state, keyframed), keyframed, None, settings.notes)
    if not head:
        raise SessionError("the file is empty")
    raise SessionError("this is not a gdviz session: it is neither a .gdviz archive nor a JSON session")


def _read_zip(file: IO[bytes], size: int, meter: _Meter, log_capacity: Capacity) -> Session:
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        raise SessionError(f"the file is damaged or incomplete: not a readable zip archive ({exc})") from None
    with archive:
        members = _members(archive, size, None)
        if members[JSON_MEMBER].file_size > MAX_JSON_BYTES:
            raise SessionError(f"{JSON_MEMBER} is larger than {MAX_JSON_BYTES >> 20} MB: not a gdviz session")
        with archive.open(members[JSON_MEMBER]) as member:
            raw = member.read()
        meter.add(len(raw))
        document = parse_json(raw, JSON_MEMBER)
        version = check_format(document)
        if version == 1:
            raise SessionError(f"{JSON_MEMBER} says version 1, but a version-1 session is a JSON file, not an archive")
        members = _members(archive, size, MEMBERS if version == 2 else MEMBERS_V3)
        if version == 2:
            return _read_v2(archive, members, document, meter)
        return _read_v3(archive, members, document, meter)


def _read_v2(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], document: dict[str, Any],
             meter: _Meter) -> Session:
    exact_keys(document, KEYS, optional=(HISTORY_KEY,))
    settings = read_settings(document, strict=True)
    first, count, note = _log_part(document["log"])
    shown = document["shown"]
    if shown is not None:
        shown = whole(shown, "'shown'", 0, first + count - 1)
    starts = _column_starts(archive, members, column_layout(settings.data), count)
    log = IterationLog(settings.data.n_inputs, settings.data.n_outputs, max(count, 1), first)
    for name in FIELDS:
        _read_column(archive, members[f"log/{name}.npy"], starts[name], log.storage(name)[:count], name,
                     first, settings.data.n_inputs == settings.data.n_outputs, meter)
    log.count, log.note = count, note
    log.storage("weights")[count] = settings.weights  # the spare row: the weights after the last record
    state = settings.state(log.last_iteration)
    keyframed = from_full_log(log, state.settings, loops=replay_loops())
    if HISTORY_KEY in document:
        state = state.replace(history=read_history(document[HISTORY_KEY], state.settings, log.last_iteration))
    else:  # gdviz 0.2 kept no history: the one the log shows
        state = _with_inferred_history(state, keyframed)
    return Session(state, keyframed, shown, settings.notes)


def _with_inferred_history(state: SessionState, log: KeyframedLog) -> SessionState:
    history = inferred_history(log)
    return state if history is None else state.replace(history=history)


def _read_v3(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], document: dict[str, Any],
             meter: _Meter) -> Session:
    exact_keys(document, KEYS_V3, optional=(VIEW_KEY,))
    settings = read_settings(document, strict=True)
    data = settings.data
    part = document["log"]
    if not isinstance(part, dict):
        raise SessionError(f"'log' must be an object, not {show(part)}")
    exact_keys(part, LOG_KEYS_V3, "log: ")
    first, count, note = _log_part({k: part[k] for k in ("first_iteration", "count", "note")})
    every = whole(part["keyframe_every"], "log: 'keyframe_every'", 1, 1 << 16)  # keyframe_interval's most
    n_keys = whole(part["keyframes"], "log: 'keyframes'", 1 if count else 0, count)
    stored_rows = whole(part["stored_rows"], "log: 'stored_rows'", 0, count)
    shown = document["shown"]
    if shown is not None:
        shown = whole(shown, "'shown'", 0, first + count - 1)
    state = settings.state(first + count - 1)
    state = state.replace(history=read_history(document[HISTORY_KEY], state.settings, first + count - 1))
    all_settings = read_settings_documents(document["keyframe_settings"], "keyframe_settings", data)
    n_in, n_out = data.n_inputs, data.n_outputs
    square = n_in == n_out
    full = column_layout(data)
    layout: dict[str, tuple[str, tuple[int, ...], int]] = {
        "log/error.npy": ("<f4", (n_out,), count), "log/error_total.npy": ("<f8", (), count),
        "log/example.npy": ("<i4", (), count), "keyframes/row.npy": ("<i8", (), n_keys),
        "keyframes/weights.npy": ("<f8", (n_out, n_in), n_keys), "keyframes/settings.npy": ("<i4", (), n_keys),
        "keyframes/stored.npy": ("|u1", (), n_keys),
        **{f"stored/{name}.npy": (descr, shape, stored_rows) for name, (descr, shape) in full.items()},
    }
    arrays: dict[str, NDArray[Any]] = {}
    for member, (descr, record, rows) in layout.items():
        info = members[member]
        start, shape = _npy_header_of(archive, info, member, descr)
        if shape != (rows, *record):
            raise SessionError(f"{member} must be an array of shape {(rows, *record)}, not {shape}")
        target = np.empty(shape, dtype=np.dtype(descr).newbyteorder("="))
        if start + target.nbytes != info.file_size:
            raise SessionError(f"{member}: its size does not fit its header (damaged?)")
        name = member.split("/")[-1].removesuffix(".npy")
        _read_column(archive, info, start, target, name if member.startswith(("log/", "stored/")) else "keyframe",
                     first, square, meter)
        arrays[member] = target
    view = read_view(document[VIEW_KEY], data.n_outputs) if VIEW_KEY in document else None
    log = _assemble_v3(arrays, all_settings, state, first, count, every, note, meter)
    return Session(state, log, shown, settings.notes, view)



def _assemble_v3(arrays: dict[str, NDArray[Any]], all_settings: list[Settings], state: SessionState, first: int,
                 count: int, every: int, note: str | None, meter: _Meter) -> KeyframedLog:
    data = state.data
    rows, indices, stored_flags = (arrays["keyframes/row.npy"], arrays["keyframes/settings.npy"],
                                   arrays["keyframes/stored.npy"])
    if indices.size and not (0 <= int(indices.min()) and int(indices.max()) < len(all_settings)):
        raise SessionError("keyframes: a settings index is outside 'keyframe_settings'")
    if stored_flags.size and int(stored_flags.max()) > 1:
        raise SessionError("keyframes: 'stored' must hold 0 or 1")
    ends = [*rows[1:].tolist(), count]
    keys = []
    taken = 0
    for index, row in enumerate(rows.tolist()):
        settings = all_settings[int(indices[index])]
        stored = None
        if stored_flags[index]:
            length = max(ends[index] - row, 0)
            stored = IterationLog(data.n_inputs, data.n_outputs, max(length, 1), first + row)
            for name in FIELDS:
                piece = arrays[f"stored/{name}.npy"][taken : taken + length]
                if len(piece) != length:
                    raise SessionError("stored: fewer stored rows than the keyframes say")
                stored.storage(name)[:length] = piece
            stored.count = length
            taken += length
        keys.append(Keyframe(int(row), _read_only(arrays["keyframes/weights.npy"][index]), settings, stored))
    if taken != len(arrays["stored/alpha.npy"]):
        raise SessionError("stored: more stored rows than the keyframes say")
    try:
        log = KeyframedLog.assemble(data.n_inputs, data.n_outputs, first, every, arrays["log/error.npy"],
                                    arrays["log/error_total.npy"], arrays["log/example.npy"], keys, state.weights,
                                    note)
        log.verify(replay_loops(), lambda _rows: meter.report())  # Cancel still answers while replaying
    except ReplayMismatch as exc:
        raise SessionError(f"log: {exc} (damaged?)") from None
    except ValueError as exc:
        raise SessionError(f"log: {exc}") from None
    return log


def _read_only(array: NDArray[Any]) -> NDArray[Any]:
    copy = np.array(array)
    copy.flags.writeable = False
    return copy


def _members(archive: zipfile.ZipFile, size: int, expected: tuple[str, ...] | None) -> dict[str, zipfile.ZipInfo]:
    """The archive's members by name, once each checked against the format and the file's size."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in members:
            raise SessionError(f"the archive holds {show(info.filename)} twice")
        members[info.filename] = info
    if JSON_MEMBER not in members:
        raise SessionError(f"this zip archive is not a gdviz session: it has no {JSON_MEMBER}")
    for name in expected or ():
        if name not in members:
            raise SessionError(f"the session has no {show(name)}: the log is incomplete")
    known = expected or (*MEMBERS, *MEMBERS_V3)
    for name, info in members.items():
        if name not in known:
            raise SessionError(f"the archive holds {show(name)}, which is not part of a gdviz session")
        if info.flag_bits & 0x1:
            raise SessionError(f"{name} is encrypted; gdviz sessions are not")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SessionError(f"{name} is compressed in a way gdviz does not read (only stored or deflated)")
        stored = info.compress_type == zipfile.ZIP_STORED
        fits = 0 <= info.header_offset <= size - info.compress_size
        if (stored and info.compress_size != info.file_size) or not fits:
            raise SessionError(f"{name}: its size in the archive's directory does not fit the file (damaged?)")
        # what a deflated member says it unpacks to is what opening allocates: deflate packs at most
        # 1,032 to 1, so a larger claim is damage (or a zip bomb), refused before anything is allocated
        if not stored and info.file_size > MAX_DEFLATE_RATIO * info.compress_size + 64:
            raise SessionError(f"{name}: it says it unpacks to {info.file_size:,} bytes, more than "
                               f"its {info.compress_size:,} deflated bytes can hold (damaged?)")
    return members


def _log_part(part: Any) -> tuple[int, int, str | None]:
    """``first_iteration``, ``count`` and ``note`` of session.json's log."""
    if not isinstance(part, dict):
        raise SessionError(f"'log' must be an object with first_iteration, count and note, not {show(part)}")
    exact_keys(part, ("first_iteration", "count", "note"), "log: ")
    first = whole(part["first_iteration"], "log: 'first_iteration'", 1, MAX_ITERATION)
    count = whole(part["count"], "log: 'count'", 0, MAX_ITERATION - first + 1)
    note = part["note"]
    if note is not None and not isinstance(note, str):
        raise SessionError(f"log: 'note' must be text or null, not {show(note)}")
    return first, count, note


def _column_starts(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                   layout: dict[str, tuple[str, tuple[int, ...]]], count: int) -> dict[str, int]:
    """Where each column's values start in its member, once every header is checked (type, shape,
    C order, and size against the member's, so that a header claiming 10**12 records is refused
    before anything is allocated) and every column holds ``count`` records."""
    starts, rows = {}, {}
    for name, (descr, record) in layout.items():
        info = members[f"log/{name}.npy"]
        starts[name], shape = _npy_header_of(archive, info, name, descr)
        if len(shape) != 1 + len(record) or shape[1:] != record:
            raise SessionError(f"log: {name!r} must be records of shape {record}, not an array of shape {shape}")
        rows[name] = shape[0]
        itemsize = np.dtype(descr).itemsize * int(np.prod(record, dtype=np.int64))
        if starts[name] + rows[name] * itemsize != info.file_size:
            raise SessionError(f"log: {name!r} claims {rows[name]} records ({rows[name] * itemsize} bytes), but "
                               f"its member holds {info.file_size - starts[name]} bytes of values")
    for name in FIELDS:
        if rows[name] != rows["alpha"]:
            raise SessionError(f"log: {name!r} has {rows[name]} records, 'alpha' {rows['alpha']}")
    if rows["alpha"] != count:
        raise SessionError(f"log: the columns hold {rows['alpha']} records, but {JSON_MEMBER} says {count}")
    return starts


def _npy_header_of(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                   descr: str) -> tuple[int, tuple[int, ...]]:
    """The length of the member's .npy header and the shape it gives, if it is a C-order array of
    ``descr``. Parsed here, strictly, rather than by numpy: its reader accepts headers of up to 4 GB
    (read whole before the length is checked) and dtypes gdviz never writes."""
    where = f"log: {info.filename}"
    with archive.open(info) as member:
        prefix = member.read(10)
        if len(prefix) < 10 or not prefix.startswith(b"\x93NUMPY"):
            raise SessionError(f"{where} is not a .npy array")
        version = (prefix[6], prefix[7])
        if version == (1, 0):
            length, start = int.from_bytes(prefix[8:10], "little"), 10
        elif version in ((2, 0), (3, 0)):
            more = member.read(2)
            length, start = int.from_bytes(prefix[8:10] + more, "little"), 12
        else:
            raise SessionError(f"{where} is .npy version {version[0]}.{version[1]}, which gdviz does not read")
        if length > MAX_NPY_HEADER:
            raise SessionError(f"{where} has a {length}-byte header, more than a gdviz column's")
        text = member.read(length)
    if len(text) < length:
        raise SessionError(f"{where} ends inside its header")
    try:
        header = ast.literal_eval(text.decode("utf-8" if version == (3, 0) else "latin1"))
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise SessionError(f"{where} has a header that cannot be read") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise SessionError(f"{where} has a header without exactly descr, fortran_order and shape")
    if header["descr"] != descr:
        raise SessionError(f"log: {name!r} must hold {descr!r} values, not {show(header['descr'])}")
    if header["fortran_order"] is not False:
        raise SessionError(f"log: {name!r} must be stored in C order (fortran_order False)")
    shape = header["shape"]
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise SessionError(f"{where} has a shape that is not whole numbers: {show(shape)}")
    return start + length, shape


def _read_column(archive: zipfile.ZipFile, info: zipfile.ZipInfo, start: int, target: NDArray[Any], name: str,
                 first_iteration: int, square: bool, meter: _Meter) -> None:
    """Read a column's values into ``target`` (the log's storage) a chunk at a time, checking each."""
    rows = _rows_per_chunk(target)
    row_bytes = target.nbytes // max(len(target), 1)
    memory = target.reshape(-1).view(np.uint8)  # a view: target is the start of a C-order array
    with archive.open(info) as member:
        if len(member.read(start)) != start:
            raise SessionError(f"log: {info.filename} ends inside its header")
        for row in range(0, len(target), rows):
            stop = min(row + rows, len(target))
            piece = member.read((stop - row) * row_bytes)
            if len(piece) != (stop - row) * row_bytes:
                raise SessionError(f"log: {info.filename} ends before its last record")
            memory[row * row_bytes : stop * row_bytes] = np.frombuffer(piece, np.uint8)
            if _SWAP:
                target[row:stop].byteswap(inplace=True)
            problem = column_problem(name, target[row:stop], first_iteration + row, square)
            if problem is not None:
                raise SessionError(problem)
            meter.add(len(piece))
        if member.read(1):  # also lets zipfile compare the CRC-32, which it does at the member's end
            raise SessionError(f"log: {info.filename} holds more than its header says")
