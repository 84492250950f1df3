"""Session files: exact round trips, version 1 still opening, cancel and failure leaving nothing
behind, and every damaged file refused with one clear line (fuzzed). No Qt."""

from __future__ import annotations

import copy
import errno
import io
import json
import math
import os
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import same_log
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdviz.core import preset_training
from gdviz.core.dataset import DataSet
from gdviz.core.files import Cancelled
from gdviz.core.log import FIELDS, IterationLog
from gdviz.core.session import Session, SessionError, column_layout, load_session, save_session
from gdviz.core.state import state_of, training_from
from gdviz.core.training import Training

V1_SAMPLE = Path(__file__).parent / "data" / "session-v1.json"
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FRESH_FUZZ = settings(FUZZ, max_examples=60, derandomize=False, print_blob=True)
"""The same fuzzing with inputs drawn afresh on each run (FUZZ tries the same 200 every time); a
failure prints the ``@reproduce_failure`` line that replays it."""


# -- helpers -----------------------------------------------------------------------------------

def trained(mode: str = "cycle", iterations: int = 30, preset: str = "multi-in-out") -> Training:
    """A training with a frozen weight and, on a square network, the printed update for its second
    half (so the log's as_printed column holds both values)."""
    training = preset_training(preset, mode=mode, alpha=0.005)
    training.set_frozen(0, training.data.n_inputs - 1)
    training.run(iterations // 2)
    if training.data.n_inputs == training.data.n_outputs:
        training.set_as_printed(True)
    training.run(iterations - iterations // 2)
    return training


def session_of(training: Training, preset: str | None = "multi-in-out", shown: int | None = None) -> Session:
    return Session(state_of(training, preset), training.log, shown)


def bits(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values).tobytes()


def assert_same(loaded: Session, saved: Session, history: bool = True) -> None:
    """Every setting, weight and log record bit for bit (so -0.0 stays -0.0); ``history``: the
    settings history too (a file of gdviz 0.2 has none: the one opened is what its log shows)."""
    if history:
        assert loaded.state.same_as(saved.state)
    else:
        assert loaded.state.replace(history=None).same_as(saved.state.replace(history=None))
    for name in ("initial_weights", "weights"):
        assert bits(getattr(loaded.state, name)) == bits(getattr(saved.state, name))
    assert bits(loaded.state.data.inputs) == bits(saved.state.data.inputs)
    assert bits(loaded.state.data.targets) == bits(saved.state.data.targets)
    assert (loaded.log.first_iteration, loaded.log.count, loaded.log.note) == \
        (saved.log.first_iteration, saved.log.count, saved.log.note)
    for name in FIELDS:
        assert loaded.log.field(name).dtype == saved.log.field(name).dtype
        assert bits(loaded.log.field(name)) == bits(saved.log.field(name)), name
    assert loaded.shown == saved.shown


def v1_document(training: Training, preset: str | None) -> dict[str, Any]:
    """A session as gdviz 0.1 wrote it (its session_to_dict)."""
    data, log = training.data, training.log
    return {
        "format": "gdviz-session", "version": 1, "preset": preset,
        "inputs": list(data.input_names), "outputs": list(data.output_names),
        "data": {"inputs": data.inputs.tolist(), "targets": data.targets.tolist()},
        "initial_weights": training.initial_weights.tolist(), "weights": training.weights.tolist(),
        "alpha": training.alpha, "mode": training.mode, "example": training.example,
        "frozen": training.frozen.tolist(), "as_printed": training.as_printed,
        "log": {"first_iteration": log.first_iteration, **{name: log.field(name).tolist() for name in FIELDS}},
    }


def save_v2(path: Path, session: Session, history: bool = False) -> None:
    """A version-2 file, as gdviz 0.2 wrote it: every field of every iteration (``history``: with the
    optional key of gdviz 0.3's first stop)."""
    from gdviz.core.session_history import history_document

    state, log = session.state, session.log
    if not isinstance(log, IterationLog):
        log = log.records(0, log.count)
    data = state.data
    document = {
        "format": "gdviz-session", "version": 2, "preset": state.preset,
        "inputs": list(data.input_names), "outputs": list(data.output_names),
        "data": {"inputs": data.inputs.tolist(), "targets": data.targets.tolist()},
        "initial_weights": state.initial_weights.tolist(), "weights": state.weights.tolist(),
        "frozen": state.frozen.tolist(), "alpha": float(state.alpha), "mode": state.mode,
        "example": int(state.example), "as_printed": bool(state.as_printed), "shown": session.shown,
        "log": {"first_iteration": log.first_iteration, "count": log.count, "note": log.note},
    }
    if history:
        document["history"] = history_document(state.changes, data)
    entries = [("session.json", json.dumps(document).encode())]
    entries += [(f"log/{name}.npy", npy(np.ascontiguousarray(log.field(name)))) for name in FIELDS]
    path.write_bytes(zip_bytes(entries))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bytes(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return buffer.getvalue()


def with_members(path: Path, changes: dict[str, bytes | None]) -> bytes:
    """The archive at ``path`` with members replaced (None: removed) or added."""
    entries = {**members(path), **changes}
    return zip_bytes([(name, data) for name, data in entries.items() if data is not None])


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_claiming(shape: tuple[int, ...], data: bytes, descr: str = "<f8", fortran: bool = False) -> bytes:
    """A .npy member whose header says ``shape`` (true or not) followed by ``data``."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": fortran, "shape": shape})
    return buffer.getvalue() + data


def document_of(path: Path) -> dict[str, Any]:
    return json.loads(members(path)["session.json"])


def with_document(path: Path, document: dict[str, Any]) -> bytes:
    return with_members(path, {"session.json": json.dumps(document).encode()})


def refusal(path: Path) -> str:
    with pytest.raises(SessionError) as caught:
        load_session(path)
    return str(caught.value)


def check_outcome(path: Path) -> None:
    """Either a complete, self-consistent session or a SessionError of one non-empty line."""
    try:
        session = load_session(path)
    except SessionError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        # damage the readers report (a bad CRC-32) is fine; a slip of gdviz's own code is not
        assert not isinstance(exc.__cause__, (TypeError, LookupError, UnboundLocalError)), exc.__cause__
        return
    state, log = session.state, session.log
    assert state.iteration == log.last_iteration and log.first_iteration >= 1
    assert (log.n_inputs, log.n_outputs) == (state.data.n_inputs, state.data.n_outputs)
    for name in FIELDS:
        assert len(log.field(name)) == log.count
        if log.field(name).dtype.kind == "f":
            assert np.isfinite(log.field(name)).all()
    assert np.isfinite(state.weights).all() and np.isfinite(state.initial_weights).all()
    assert session.shown is None or 0 <= session.shown <= log.last_iteration


# -- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["example", "cycle", "batch"])
def test_a_session_round_trips_bit_for_bit_in_every_mode(tmp_path, mode):
    training = trained(mode)
    log = training.log
    log.storage("pred")[3, 1] = -0.0
    log.storage("weights")[4, 2, 0] = -0.0
    log.storage("error_total")[5] = 5e-324  # the smallest subnormal
    log.storage("delta")[6, 0] = -1.7976931348623157e308
    log.note = "Training stopped at iteration 31: a number became too large to represent (infinite or NaN)."
    state = state_of(training, "multi-in-out")
    data = state.data.with_value("input", 1, 2, -0.0)
    weights = state.weights.copy()
    weights[1, 1] = -0.0
    state = state.replace(data=data, weights=weights, initial_weights=np.full((3, 3), -0.0))
    saved = Session(state, log, shown=7)
    assert saved.state.as_printed and saved.log.as_printed.any() and not saved.log.as_printed.all()
    assert saved.state.frozen.any()
    save_session(tmp_path / "s.gdviz", saved)
    loaded = load_session(tmp_path / "s.gdviz")
    assert_same(loaded, saved)
    assert loaded.state.preset == "multi-in-out" and loaded.notes == ()


def test_an_opened_session_carries_on_as_the_saved_one_would(tmp_path):
    training = trained("cycle", 50)
    save_session(tmp_path / "s.gdviz", session_of(training))
    loaded = load_session(tmp_path / "s.gdviz")
    again = training_from(loaded.state, starting_errors=loaded.log.error_total)
    training.run(10)
    again.run(10)
    assert bits(again.weights) == bits(training.weights)
    assert again.log.first_iteration == 51


record_floats = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    """A state and a log of any finite records (not only what training makes)."""
    n_inputs, n_outputs = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    count = draw(st.integers(0, 12))
    first = draw(st.integers(1, 2**40))
    log = IterationLog(n_inputs, n_outputs, count, first)
    for name in FIELDS:
        shape = log.storage(name)[:count].shape
        if name == "alpha":
            elements = st.floats(min_value=0, exclude_min=True, allow_infinity=False)
        elif name == "example":
            elements = st.integers(-1, 2**31 - 1)
        elif name == "as_printed":
            elements = st.booleans() if n_inputs == n_outputs else st.just(False)
        else:
            elements = record_floats
        log.storage(name)[:count] = draw(hnp.arrays(log.storage(name).dtype, shape, elements=elements))
    log.count = count
    matrix = hnp.arrays(np.float64, (n_outputs, n_inputs), elements=record_floats)
    data = DataSet.blank(n_inputs, n_outputs, draw(st.integers(1, 3)))
    state = state_of(Training(data, draw(matrix), draw(st.floats(1e-300, 1e300)),
                              mode=draw(st.sampled_from(["example", "cycle", "batch"])),
                              initial_weights=draw(matrix)))
    state = state.replace(iteration=log.last_iteration, preset=None)
    shown = draw(st.none() | st.integers(0, log.last_iteration))
    return Session(state, log, shown)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saved=sessions())
def test_any_finite_log_round_trips_exactly(tmp_path, saved):
    save_session(tmp_path / "s.gdviz", saved)
    assert_same(load_session(tmp_path / "s.gdviz"), saved)


def test_the_records_and_keyframes_are_npy_arrays_that_numpy_reads(tmp_path):
    from gdviz.core.keyframes import RECORDED

    training = trained()
    save_session(tmp_path / "s.gdviz", session_of(training))
    with zipfile.ZipFile(tmp_path / "s.gdviz") as archive:
        names = [info.filename for info in archive.infolist()]
        assert names[:4] == ["session.json", *(f"log/{name}.npy" for name in RECORDED)]
        assert names[4:8] == ["keyframes/row.npy", "keyframes/weights.npy", "keyframes/settings.npy",
                              "keyframes/stored.npy"]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
        for name in RECORDED:  # the errors per output as float32 (for the curves), the rest exact
            with archive.open(f"log/{name}.npy") as member:
                expected = training.log.field(name)
                assert bits(np.load(member)) == bits(expected.astype(np.float32) if name == "error" else expected)
        with archive.open("keyframes/row.npy") as member:
            rows = np.load(member)
        with archive.open("keyframes/weights.npy") as member:
            weights = np.load(member)
        document = json.loads(archive.read("session.json"))
    # a keyframe at the start, where as-printed was switched on (iteration 16), and nowhere else
    assert rows.tolist() == [0, 15]
    assert bits(weights) == bits(training.log.weights[[0, 15]])
    assert document["version"] == 3 and document["log"]["count"] == 30 and document["log"]["stored_rows"] == 0
    assert document["shown"] is None and len(document["keyframe_settings"]) == 2


def test_a_version_2_file_opens_and_saves_as_version_3_with_the_same_numbers(tmp_path):
    training = trained("cycle", 40)
    saved = session_of(training, shown=12)
    save_v2(tmp_path / "old.gdviz", saved)
    opened = load_session(tmp_path / "old.gdviz")
    assert_same(opened, saved)
    save_session(tmp_path / "new.gdviz", opened)
    assert document_of(tmp_path / "new.gdviz")["version"] == 3
    assert_same(load_session(tmp_path / "new.gdviz"), saved)
    assert (tmp_path / "new.gdviz").stat().st_size < (tmp_path / "old.gdviz").stat().st_size


def test_a_version_2_log_that_replay_cannot_make_is_kept_whole(tmp_path):
    """gdviz 0.2 kept no history: a batch run on data edited later cannot be replayed from the file's
    settings; those rows are kept as stored, and every number still round-trips."""
    training = preset_training("multi-in-out", mode="batch", alpha=0.005)
    training.run(10)
    training.set_data(training.data.with_value("input", 1, 1, 3.0))
    training.set_mode("cycle")
    training.run(10)
    saved = Session(state_of(training, "multi-in-out"), training.log)
    save_v2(tmp_path / "old.gdviz", saved)
    opened = load_session(tmp_path / "old.gdviz")
    assert_same(opened, saved, history=False)
    assert sum(key.stored is not None for key in opened.log.keyframes) == 10
    save_session(tmp_path / "new.gdviz", opened)
    assert document_of(tmp_path / "new.gdviz")["log"]["stored_rows"] == 10
    assert_same(load_session(tmp_path / "new.gdviz"), saved, history=False)


def test_without_the_log_the_session_starts_again_from_its_current_weights(tmp_path):
    training = trained("cycle", 40)
    save_session(tmp_path / "small.gdviz", session_of(training, shown=12), include_log=False)
    loaded = load_session(tmp_path / "small.gdviz")
    assert (loaded.state.iteration, loaded.log.count, loaded.log.first_iteration, loaded.shown) == (0, 0, 1, None)
    assert bits(loaded.state.weights) == bits(training.weights)
    assert bits(loaded.state.initial_weights) == bits(training.initial_weights)  # Reset goes back to the start
    assert loaded.state.same_as(state_of(training, "multi-in-out").replace(iteration=0))
    assert (tmp_path / "small.gdviz").stat().st_size < 8000
    again = training_from(loaded.state)
    again.run(3)
    assert again.log.first_iteration == 1 and again.iteration == 3


def test_a_session_checks_that_its_parts_fit():
    training = trained()
    state = state_of(training)
    with pytest.raises(ValueError, match="iteration 29 but the log ends at 30"):
        Session(state.replace(iteration=29), training.log)
    with pytest.raises(ValueError, match="shown must be 0 to 30"):
        Session(state, training.log, shown=31)
    with pytest.raises(ValueError, match="network"):
        Session(state, IterationLog(1, 1, 4, 31))


def test_a_log_that_training_cannot_make_is_not_saved(tmp_path):
    training = trained()
    training.log.storage("pred")[2, 0] = math.nan
    with pytest.raises(ValueError, match="'pred' at iteration 3 is not a finite number"):
        save_session(tmp_path / "s.gdviz", session_of(training))
    assert os.listdir(tmp_path) == []


# -- version 1 ---------------------------------------------------------------------------------

def test_the_version_1_sample_opens_to_the_same_numbers():
    document = json.loads(V1_SAMPLE.read_text())
    session = load_session(V1_SAMPLE)
    state, log = session.state, session.log
    assert (state.preset, state.mode, state.alpha, state.example, state.as_printed) == \
        ("multi-in", "cycle", 0.01, 0, False)
    assert (state.iteration, log.first_iteration, log.count, session.shown) == (25, 1, 25, None)
    assert state.frozen.tolist() == [[False, True, False]]
    assert bits(state.weights) == bits(np.array(document["weights"]))
    assert bits(state.initial_weights) == bits(np.array(document["initial_weights"]))
    for name in FIELDS:
        assert bits(log.field(name)) == bits(np.array(document["log"][name], dtype=log.field(name).dtype)), name
    # and they are the numbers this gdviz computes (bit for bit on every machine)
    training = preset_training("multi-in", mode="cycle", alpha=0.01)
    training.set_frozen(0, 1)
    training.run(25)
    assert same_log(log, training.log) and bits(state.weights) == bits(training.weights)


def test_a_version_1_log_without_the_printed_column_takes_the_files_flag(tmp_path):
    document = json.loads(V1_SAMPLE.read_text())
    del document["log"]["as_printed"]
    (tmp_path / "old.json").write_text(json.dumps(document))
    assert not load_session(tmp_path / "old.json").log.as_printed.any()
    square = v1_document(trained("cycle", 20), "multi-in-out")
    del square["log"]["as_printed"]
    (tmp_path / "square.json").write_text(json.dumps(square))
    loaded = load_session(tmp_path / "square.json")
    assert loaded.state.as_printed and loaded.log.as_printed.all() and loaded.log.count == 20


def test_a_version_1_session_without_a_log_or_the_newer_keys_opens(tmp_path):
    document = json.loads(V1_SAMPLE.read_text())
    for key in ("log", "as_printed", "preset"):
        del document[key]
    document["colour"] = "ignored, as gdviz 0.1 ignored it"
    (tmp_path / "old.json").write_text(json.dumps(document))
    loaded = load_session(tmp_path / "old.json")
    assert (loaded.state.iteration, loaded.log.count, loaded.state.preset) == (0, 0, None)


def test_files_are_told_apart_by_content_not_name(tmp_path):
    shutil.copy(V1_SAMPLE, tmp_path / "renamed.gdviz")
    assert load_session(tmp_path / "renamed.gdviz").log.count == 25
    save_session(tmp_path / "renamed.json", session_of(trained()))
    assert load_session(tmp_path / "renamed.json").log.count == 30


def test_a_json_file_that_is_broken_says_where(tmp_path):
    (tmp_path / "bad.json").write_text('{"format": "gdviz-session",\n oops}')
    assert "line 2" in refusal(tmp_path / "bad.json")


# -- cancel and failure ------------------------------------------------------------------------

def cancel_at(call: int, calls: list[tuple[int, int]]):
    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < call
    return progress


def test_progress_runs_from_0_to_the_total_and_none_means_go_on(tmp_path):
    calls: list[tuple[int, int]] = []
    save_session(tmp_path / "s.gdviz", session_of(trained()), progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] and len(calls) >= 12
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    calls.clear()
    load_session(tmp_path / "s.gdviz", progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, (tmp_path / "s.gdviz").stat().st_size) and calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize("call", [1, 2, 7, 13])
def test_cancel_while_saving_leaves_no_file(tmp_path, call):
    calls: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        save_session(tmp_path / "s.gdviz", session_of(trained()), progress=cancel_at(call, calls))
    assert len(calls) == call and os.listdir(tmp_path) == []


def test_cancel_while_saving_over_a_file_keeps_it(tmp_path):
    save_session(tmp_path / "s.gdviz", session_of(trained("batch")))
    before = (tmp_path / "s.gdviz").read_bytes()
    with pytest.raises(Cancelled):
        save_session(tmp_path / "s.gdviz", session_of(trained("cycle", 60)), progress=cancel_at(5, []))
    assert os.listdir(tmp_path) == ["s.gdviz"] and (tmp_path / "s.gdviz").read_bytes() == before


@pytest.mark.parametrize("call", [1, 3, 9])
def test_cancel_while_opening_raises_cancelled(tmp_path, call):
    save_session(tmp_path / "s.gdviz", session_of(trained()))
    calls: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        load_session(tmp_path / "s.gdviz", progress=cancel_at(call, calls))
    assert len(calls) == call
    with pytest.raises(Cancelled):
        load_session(V1_SAMPLE, progress=cancel_at(2, []))


def test_an_error_in_the_progress_callback_is_not_taken_for_damage(tmp_path):
    def broken(done: int, total: int) -> bool:
        if done:
            raise RuntimeError("the dialog is gone")
        return True

    with pytest.raises(RuntimeError, match="the dialog is gone"):
        save_session(tmp_path / "s.gdviz", session_of(trained()), progress=broken)
    assert os.listdir(tmp_path) == []
    save_session(tmp_path / "s.gdviz", session_of(trained()))
    for path in (tmp_path / "s.gdviz", V1_SAMPLE):
        with pytest.raises(RuntimeError, match="the dialog is gone"):
            load_session(path, progress=broken)


class DiskFillsUp:
    """A file that takes ``room`` bytes, then fails as a full disk does."""

    def __init__(self, file: Any, room: int) -> None:
        self.file, self.room = file, room

    def write(self, data: Any) -> int:
        size = memoryview(data).nbytes
        if size > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= size
        return int(self.file.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)

    def __enter__(self) -> DiskFillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


@pytest.mark.parametrize("room", [0, 1000, 6_000])
def test_a_write_that_fails_midway_leaves_the_previous_file(tmp_path, monkeypatch, room):
    save_session(tmp_path / "s.gdviz", session_of(trained("example")))
    before = (tmp_path / "s.gdviz").read_bytes()
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: DiskFillsUp(real_fdopen(*args, **kwargs), room))
    with pytest.raises(OSError, match="No space left"):
        save_session(tmp_path / "s.gdviz", session_of(trained("cycle", 60)))
    with pytest.raises(OSError, match="No space left"):
        save_session(tmp_path / "new.gdviz", session_of(trained("cycle", 60)))
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["s.gdviz"] and (tmp_path / "s.gdviz").read_bytes() == before


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_session(tmp_path / "nothing.gdviz")


# -- refusals ----------------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path) -> Path:
    """A version-2 file (gdviz 0.2's, which still opens): the refusals of its format."""
    training = preset_training("multi-in", mode="cycle")
    training.run(25)
    save_v2(tmp_path / "good.gdviz", session_of(training, "multi-in"))
    return tmp_path / "good.gdviz"


@pytest.fixture
def saved_v3(tmp_path) -> Path:
    training = preset_training("multi-in", mode="cycle")
    training.run(25)
    training.set_alpha(0.02)
    training.run(5)
    save_session(tmp_path / "good3.gdviz", session_of(training, "multi-in"))
    return tmp_path / "good3.gdviz"


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.pop("weights"), "'weights' is missing"),
    (lambda d: d.update(colour="red"), "unexpected key 'colour'"),
    (lambda d: d["data"].update(more=[]), "data: unexpected key 'more'"),
    (lambda d: d.update(alpha=-1), "alpha must be a finite number greater than 0, not -1"),
    (lambda d: d.update(alpha="fast"), "'alpha' must be a number, not 'fast'"),
    (lambda d: d.update(alpha=10**400), "alpha must be a finite number"),
    (lambda d: d.update(mode="sideways"), "'mode' must be one of example, cycle, batch, not 'sideways'"),
    (lambda d: d.update(example=9), "'example' must be 0 to 3, not 9"),
    (lambda d: d.update(example=True), "'example' must be 0 to 3, not true"),
    (lambda d: d["weights"].pop(), "'weights' must have shape (1, 3), not 0 rows"),
    (lambda d: d["weights"][0].__setitem__(1, "0.2"), "'weights' must hold numbers, not '0.2'"),
    (lambda d: d["weights"][0].__setitem__(1, math.inf), "'weights' must be finite numbers"),
    (lambda d: d["initial_weights"][0].__setitem__(0, math.nan), "'initial_weights' must be finite numbers"),
    (lambda d: d.update(frozen=[[1, 0, 0]]), "'frozen' must hold true/false values, not 1"),
    (lambda d: d["data"]["inputs"][0].append(3), "data: 'inputs' must have shape (at least 1, 3)"),
    (lambda d: d["data"].update(targets=[[1.0]]), "data: 'targets' must have shape (4, 1)"),
    (lambda d: d.update(inputs=["toes", "toes", "nfans"]), "input names must be different"),
    (lambda d: d.update(outputs=["a->b"]), "may not contain '->'"),
    (lambda d: d.update(as_printed=True), "only runs on a square network"),
    (lambda d: d.update(format="other"), "not a gdviz session"),
    (lambda d: d.update(version=4), "version 4 is not supported"),
    (lambda d: d.update(version=1), "says version 1"),
    (lambda d: d.update(shown=26), "'shown' must be a whole number from 0 to 25, not 26"),
    (lambda d: d.update(shown=-1), "'shown'"),
    (lambda d: d["log"].update(count=24), "the columns hold 25 records, but session.json says 24"),
    (lambda d: d["log"].update(count=10**12), "session.json says 1000000000000"),
    (lambda d: d["log"].update(first_iteration=0), "'first_iteration' must be a whole number from 1"),
    (lambda d: d["log"].update(first_iteration=2**60), "'first_iteration' must be a whole number from 1"),
    (lambda d: d["log"].update(note=5), "log: 'note' must be text or null"),
    (lambda d: d["log"].pop("count"), "log: 'count' is missing"),
    (lambda d: d.update(log=None), "'log' must be an object"),
    (lambda d: d.update(preset=7), "'preset' must be a preset's name or null"),
])
def test_a_malformed_session_names_the_first_problem(saved, change, problem):
    document = document_of(saved)
    change(document)
    saved.write_bytes(with_document(saved, document))
    assert problem in refusal(saved)


def test_an_unknown_preset_opens_as_a_custom_network_with_a_note(saved):
    document = document_of(saved)
    document["preset"] = "nonexistent"
    saved.write_bytes(with_document(saved, document))
    session = load_session(saved)
    assert session.state.preset is None and session.log.count == 25
    assert session.notes == ("the preset 'nonexistent' is not one of gdviz's, so the session opens as a "
                             "custom network",)


@pytest.mark.parametrize("change, problem", [
    (lambda m: m.update({"log/pred.npy": npy(np.zeros((24, 1)))}), "log: 'pred' has 24 records, 'alpha' 25"),
    (lambda m: m.update({"log/pred.npy": npy(np.zeros((25, 2)))}), "'pred' must be records of shape (1,)"),
    (lambda m: m.update({"log/pred.npy": npy(np.zeros((25, 1), np.float32))}), "'pred' must hold '<f8' values"),
    (lambda m: m.update({"log/example.npy": npy(np.zeros(25, np.int64))}), "'example' must hold '<i4'"),
    (lambda m: m.update({"log/pred.npy": npy(np.zeros((25, 3, 3)))}), "'pred' must be records of shape (1,)"),
    (lambda m: m.update({"log/weights.npy": npy(np.asfortranarray(np.zeros((25, 1, 3))))}), "C order"),
    (lambda m: m.update({"log/alpha.npy": npy(np.full(25, -0.01))}), "'alpha' at iteration 1 is not a finite"),
    (lambda m: m.update({"log/as_printed.npy": npy(np.arange(25) == 3)}), "'as_printed' at iteration 4"),
    (lambda m: m.update({"log/example.npy": npy(np.full(25, -2, np.int32))}), "'example' at iteration 1"),
    (lambda m: m.update({"log/error.npy": npy(np.full((25, 1), np.inf))}), "'error' at iteration 1 is not"),
    (lambda m: m.update({"log/pred.npy": b"not an array"}), "log: log/pred.npy is not a .npy array"),
    (lambda m: m.update({"log/pred.npy": npy_claiming((10**12, 1), bytes(200))}),
     "'pred' claims 1000000000000 records (8000000000000 bytes), but its member holds 200 bytes"),
    (lambda m: m.update({"log/pred.npy": b"\x93NUMPY\x02\x00" + b"\xff" * 4 + bytes(100)}), "-byte header"),
    (lambda m: m.update({"log/pred.npy": b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'}"}), "header without exactly"),
    (lambda m: m.update({"log/pred.npy": b"\x93NUMPY\x01\x00\x06\x00{{{{{{"}), "header that cannot be read"),
    (lambda m: m.update({"log/pred.npy": b"\x93NUMPY\x07\x00"}), "is not a .npy array"),
    (lambda m: m.pop("log/pred.npy"), "the session has no 'log/pred.npy'"),
    (lambda m: m.pop("session.json"), "it has no session.json"),
    (lambda m: m.update({"notes.txt": b"hello"}), "the archive holds 'notes.txt', which is not part"),
    (lambda m: m.update({"session.json": b"{\n\n  nope"}), "session.json is not valid JSON: Expecting property"),
    (lambda m: m.update({"session.json": b"\xff\xfe"}), "session.json is not UTF-8 text"),
    (lambda m: m.update({"session.json": b"[1, 2]"}), "not a gdviz session"),
    (lambda m: m.update({"session.json": b'{"format": 1, "format": 2}'}), "the key 'format' appears twice"),
])
def test_a_malformed_archive_names_the_first_problem(saved, change, problem):
    entries = members(saved)
    change(entries)
    saved.write_bytes(zip_bytes(list(entries.items())))
    assert problem in refusal(saved)


def test_a_lying_header_is_refused_before_anything_is_allocated(saved, monkeypatch):
    from gdviz.core import session as module

    capacities = []

    class Recorded(IterationLog):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            capacities.append(args[2] if len(args) > 2 else kwargs.get("capacity"))
            super().__init__(*args, **kwargs)

    layout = column_layout(load_session(saved).state.data)
    monkeypatch.setattr(module, "IterationLog", Recorded)
    document = document_of(saved)
    document["log"]["count"] = 10**12
    saved.write_bytes(with_members(saved, {
        "session.json": json.dumps(document).encode(),
        **{f"log/{name}.npy": npy_claiming((10**12, *record), bytes(64), descr)
           for name, (descr, record) in layout.items()}}))
    assert "claims" in refusal(saved)
    assert capacities == []  # the log was never allocated


def test_archives_that_are_not_sessions_are_refused(tmp_path):
    path = tmp_path / "x.gdviz"
    for content, problem in [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "neither a .gdviz archive nor a JSON session"),
        (b"PK\x03\x04" + bytes(100), "not a readable zip archive"),
        (zip_bytes([("word/document.xml", b"<w/>")]), "it has no session.json"),
        (zip_bytes([("session.json", b"{}"), ("session.json", b"{}")]), "holds 'session.json' twice"),
    ]:
        path.write_bytes(content)
        assert problem in refusal(path)


def test_a_deflated_archive_opens_and_other_compressions_are_refused_with_the_reason(saved, saved_v3):
    """Deflated members open as stored ones do (a file to hand out); bzip2 is refused, and so is
    a member claiming to unpack to more than deflate can pack into its bytes (a zip bomb)."""
    for path in (saved, saved_v3):
        expected = load_session(path)
        path.write_bytes(zip_bytes(list(members(path).items()), zipfile.ZIP_DEFLATED))
        assert same_log(load_session(path).log, expected.log)
    saved.write_bytes(zip_bytes(list(members(saved).items()), zipfile.ZIP_BZIP2))
    assert "session.json is compressed in a way gdviz does not read" in refusal(saved)
    data = bytearray(zip_bytes([("session.json", b" " * 100_000)], zipfile.ZIP_DEFLATED))
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (2_000_000_000).to_bytes(4, "little")  # the unpacked size it claims
    saved.write_bytes(bytes(data))
    assert "more than its" in refusal(saved)


def test_a_version_2_document_as_plain_json_is_refused(saved, tmp_path):
    (tmp_path / "plain.json").write_bytes(members(saved)["session.json"])
    assert "a version-2 session is a zip archive" in refusal(tmp_path / "plain.json")


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["log"].update(pred=d["log"]["pred"][:-1]), "log: 'pred' has 24 records, 'alpha' 25"),
    (lambda d: d["log"].update(pred=[[1, 2]] * 25), "log: 'pred' must be records of shape (1,)"),
    (lambda d: d["log"].update(example=[0.5] * 25), "log: 'example' must hold whole numbers"),
    (lambda d: d["log"].update(as_printed=[1] * 25), "log: 'as_printed' must hold true/false values"),
    (lambda d: d["log"].update(alpha=["0.01"] * 25), "log: 'alpha' must hold numbers"),
    (lambda d: d["log"].update(error_total=[math.nan] * 25), "'error_total' at iteration 1 is not a finite"),
    (lambda d: d["log"].update(example=[2**40] * 25), "log: 'example' holds a number out of range"),
    (lambda d: d["log"].pop("weights"), "log: 'weights' is missing"),
    (lambda d: d.update(log=[]), "'log' must be an object or null"),
    (lambda d: d.update(preset="nonexistent"), None),
])
def test_a_malformed_version_1_session_names_the_first_problem(tmp_path, change, problem):
    document = json.loads(V1_SAMPLE.read_text())
    change(document)
    (tmp_path / "bad.json").write_text(json.dumps(document))
    if problem is None:
        assert load_session(tmp_path / "bad.json").notes
    else:
        assert problem in refusal(tmp_path / "bad.json")


# -- fuzzing -----------------------------------------------------------------------------------

class Originals(dict):  # type: ignore[type-arg]
    """The valid files the fuzz test damages (shown by name only in hypothesis's reports)."""

    def __repr__(self) -> str:
        return "originals"


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> Originals:
    folder = tmp_path_factory.mktemp("originals")
    training = trained("cycle", 12)
    training.set_alpha(0.004)
    training.run(3)
    save_session(folder / "s.gdviz", session_of(training, shown=5))
    save_v2(folder / "s2.gdviz", session_of(training, shown=5))
    v1 = json.dumps(v1_document(training, "multi-in-out")).encode()
    return Originals({"v3": (folder / "s.gdviz").read_bytes(), "v2": (folder / "s2.gdviz").read_bytes(), "v1": v1,
                      "members v3": members(folder / "s.gdviz"), "members v2": members(folder / "s2.gdviz"),
                      "document v3": document_of(folder / "s.gdviz"), "document v2": document_of(folder / "s2.gdviz"),
                      "v1 document": json.loads(v1), "folder": tmp_path_factory.mktemp("fuzz")})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12)

V2_PATHS = [(key,) for key in ("format", "version", "preset", "inputs", "outputs", "data", "initial_weights",
                               "weights", "frozen", "alpha", "mode", "example", "as_printed", "shown", "log")] + [
    ("data", "inputs"), ("data", "targets"), ("data", "inputs", 0), ("data", "inputs", 1, 2), ("weights", 0),
    ("weights", 2, 1), ("initial_weights", 0, 0), ("frozen", 1), ("frozen", 0, 2), ("inputs", 0), ("outputs", 2),
    ("log", "first_iteration"), ("log", "count"), ("log", "note")]
V3_PATHS = V2_PATHS + [("log", "keyframe_every"), ("log", "keyframes"), ("log", "stored_rows"), ("history",),
                       ("history", 0), ("history", 1, "iteration"), ("history", 1, "alpha"), ("history", 0, "data"),
                       ("keyframe_settings",), ("keyframe_settings", 0, "frozen"), ("keyframe_settings", 1, "mode"),
                       ("keyframe_settings", 1, "data")]
V1_PATHS = [path for path in V2_PATHS if path[0] not in ("shown", "log")] + [
    ("log",), ("log", "first_iteration"), *(("log", name) for name in FIELDS),
    ("log", "pred", 3), ("log", "weights", 2, 1), ("log", "example", 4), ("log", "as_printed", 0)]


def mutated(document: dict[str, Any], path: tuple[Any, ...], action: str, value: Any) -> dict[str, Any]:
    """A copy with the value at ``path`` replaced, deleted, or given a new sibling key."""
    document = copy.deepcopy(document)
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    elif action == "extra" and isinstance(parent, dict):
        parent["extra"] = value
    else:
        parent[path[-1]] = value
    return document


@st.composite
def damaged(draw: st.DrawFn, originals: Originals) -> bytes:
    """A valid session file changed in one of the ways a file gets damaged or tampered with."""
    how = draw(st.sampled_from(["flip", "truncate", "json", "column", "header", "archive", "v1 json", "v1 bytes"]))
    version = draw(st.sampled_from(["v3", "v2"]))
    if how in ("flip", "v1 bytes", "truncate"):
        content = bytearray(originals["v1" if how == "v1 bytes" else version])
        if how == "truncate":
            return bytes(content[: draw(st.integers(0, len(content) - 1))])
        for offset, xor in draw(st.lists(st.tuples(st.integers(0, len(content) - 1), st.integers(1, 255)),
                                         min_size=1, max_size=6)):
            content[offset] ^= xor
        return bytes(content)
    if how in ("json", "v1 json"):
        paths = (V3_PATHS if version == "v3" else V2_PATHS) if how == "json" else V1_PATHS
        document = mutated(originals[f"document {version}" if how == "json" else "v1 document"],
                           draw(st.sampled_from(paths)), draw(st.sampled_from(["replace", "delete", "extra"])),
                           draw(json_values))
        text = json.dumps(document).encode()
        if how == "v1 json":
            return text
        return zip_bytes([(name, text if name == "session.json" else data)
                          for name, data in originals[f"members {version}"].items()])
    entries = dict(originals[f"members {version}"])
    name = draw(st.sampled_from(sorted(n for n in entries if n.endswith(".npy"))))
    if how == "column":
        dtype = draw(st.sampled_from([np.float64, np.int32, np.bool_, np.float32, np.int64, np.dtype(">f8")]))
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=13))
        entries[name] = npy(draw(hnp.arrays(dtype, shape)))
    elif how == "header":
        rows = draw(st.sampled_from([0, 11, 13, 10**12, 2**63, 2**64 + 12]))
        record = draw(st.sampled_from([(), (1,), (3,), (3, 3), (3, 1)]))
        entries[name] = npy_claiming((rows, *record), entries[name][128:], draw(st.sampled_from(["<f8", "<i4", "|b1"])),
                                     draw(st.booleans()))
    else:
        change = draw(st.sampled_from(["drop", "extra", "twice", "rename"]))
        if change == "drop":
            del entries[name]
        elif change == "extra":
            entries["log/extra.npy"] = entries[name]
        elif change == "rename":
            entries[name.upper()] = entries.pop(name)
        else:
            return zip_bytes([*entries.items(), (name, entries[name])])
    return zip_bytes(list(entries.items()))


@FUZZ
@given(data=st.data())
def test_a_damaged_file_opens_whole_or_is_refused_in_one_line(originals, data):
    path = originals["folder"] / "damaged.gdviz"
    path.write_bytes(data.draw(damaged(originals)))
    check_outcome(path)


@settings(max_examples=60, deadline=None, derandomize=False, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_file_opens_whole_or_is_refused_in_one_line_new_damage(originals, data):
    """The same with damage drawn afresh each run (the test above repeats the same 200 cases): a
    failure here prints the seed to reproduce it (pytest --hypothesis-seed=…)."""
    path = originals["folder"] / "damaged-random.gdviz"
    path.write_bytes(data.draw(damaged(originals)))
    check_outcome(path)


@FRESH_FUZZ
@given(data=st.data())
def test_freshly_damaged_files_open_whole_or_are_refused_in_one_line(originals, data):
    """As above, on damage never tried before: hypothesis draws new inputs on every run. Checked
    against a broken build (``load_session`` letting a KeyError out for a file with a member
    missing, in a scratch copy): the derandomized test failed, and this one in 4 of 5 runs."""
    path = originals["folder"] / "fresh.gdviz"
    path.write_bytes(data.draw(damaged(originals)))
    check_outcome(path)


# -- issue 23: how the window showed the session, and files to hand out ---------------------------

VIEW = {"tab": 1, "log_scale": True, "legend": False, "follow": False, "cycle_mean": True,
        "curves": [True, False, True], "run_count": 250, "zoom": 1.5,
        "pins": [{"label": "alpha 0.01", "iterations": [1, 2, 3], "totals": [0.5, 0.25, 0.125]}]}


def test_the_view_comes_back_as_saved_and_compressed_files_are_smaller(tmp_path):
    training = preset_training("multi-in-out", mode="cycle")
    training.run(2000)
    session = Session(state_of(training), training.log, shown=700, view=VIEW)
    save_session(tmp_path / "plain.gdviz", session)
    save_session(tmp_path / "small.gdviz", session, compress=True)
    for name in ("plain.gdviz", "small.gdviz"):
        opened = load_session(tmp_path / name)
        assert opened.view == VIEW and opened.shown == 700
        assert same_log(opened.log, load_session(tmp_path / "plain.gdviz").log)
    with zipfile.ZipFile(tmp_path / "small.gdviz") as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert (tmp_path / "small.gdviz").stat().st_size < (tmp_path / "plain.gdviz").stat().st_size  # 41 vs 54 KB
    save_session(tmp_path / "none.gdviz", Session(state_of(training), training.log))
    assert load_session(tmp_path / "none.gdviz").view is None
    assert "view" not in json.loads(members(tmp_path / "none.gdviz")["session.json"])


@pytest.mark.parametrize("view, problem", [
    ([], "'view' must be an object"),
    ({"tabs": 1}, "view: unexpected key 'tabs'"),
    ({"tab": 3}, "view: 'tab' must be a whole number from 0 to 2"),
    ({"tab": True}, "view: 'tab' must be a whole number"),
    ({"log_scale": 1}, "view: 'log_scale' must be true or false"),
    ({"curves": [True, False]}, "view: 'curves' must be 1 true or false"),
    ({"run_count": 0}, "view: 'run_count' must be a whole number from 1"),
    ({"zoom": 5}, "view: 'zoom' must be a number from 0.75 to 3.0"),
    ({"pins": [{"label": "x", "iterations": [2, 1], "totals": [1, 2]}]}, "going up from 1"),
    ({"pins": [{"label": "x", "iterations": [1], "totals": [1, 2]}]}, "the same length"),
    ({"pins": [{"label": "x"}]}, "exactly label, iterations and totals"),
])
def test_a_malformed_view_is_refused_naming_it(saved_v3, view, problem):
    changed = dict(members(saved_v3))
    document = json.loads(changed["session.json"])
    document["view"] = view
    changed["session.json"] = json.dumps(document).encode()
    saved_v3.write_bytes(zip_bytes(list(changed.items())))
    assert problem in refusal(saved_v3)
