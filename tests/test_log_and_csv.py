"""The iteration log and its CSV form."""

import os
import stat

import numpy as np
import pytest

from gdviz.core import IterationLog, preset_training
from gdviz.core.csv_log import CsvFormatError, header, read_csv, write_csv


def test_log_grows_geometrically_and_keeps_every_record():
    training = preset_training("multi-in-out", log_capacity=4)
    capacities = set()
    for _ in range(40):
        training.run(50)
        capacities.add(training.log.capacity)
    assert training.log.count == 2000
    assert sorted(capacities) == [64, 128, 256, 512, 1024, 2048]  # 4 doubled, never +1 row
    np.testing.assert_array_equal(training.log.iterations, np.arange(1, 2001))


def test_take_hands_over_records_and_numbering_continues():
    training = preset_training("multi-in")
    training.run(5)
    first = training.log.take()
    training.run(3)
    second = training.log.take()
    assert (first.first_iteration, first.count, second.first_iteration, second.count) == (1, 5, 6, 3)
    joined = IterationLog(3, 1)
    joined.extend(first)
    joined.extend(second)
    whole = preset_training("multi-in")
    whole.run(8)
    assert joined.equals(whole.log)
    with pytest.raises(ValueError, match="consecutive"):
        joined.extend(first)


def test_a_shared_log_keeps_its_records_while_either_side_grows():
    training = preset_training("multi-in", log_capacity=16)
    training.run(10)
    shared = training.log.shared()
    expected = training.log.slice(0, 10)
    assert shared.equals(expected)
    assert np.shares_memory(shared.pred, training.log.pred)  # no copy
    training.run(50)  # the owner appends (and outgrows its arrays)
    assert shared.equals(expected)
    more = preset_training("multi-in")
    more.run(11)
    shared.extend(more.log.slice(10, 11))  # the shared log grows: into arrays of its own
    assert shared.equals(more.log) and training.log.slice(0, 11).equals(more.log)
    empty = IterationLog(3, 1).shared()
    empty.extend(more.log.slice(0, 2))
    assert empty.count == 2


def test_bytes_per_iteration_of_multi_in_out():
    assert IterationLog.bytes_per_record(3, 3) == 285  # 4 + 8 + 5 × 24 + 8 + 2 × 72 + 1 bytes


def test_csv_header_follows_the_documented_schema():
    assert header(["toes", "wlrec"], ["win", "sad"]) == [
        "iteration", "example", "alpha", "in:toes", "in:wlrec",
        "target:win", "target:sad", "pred:win", "pred:sad", "delta:win", "delta:sad",
        "error:win", "error:sad", "error_total",
        "w:toes->win", "w:wlrec->win", "w:toes->sad", "w:wlrec->sad",
        "wd:toes->win", "wd:wlrec->win", "wd:toes->sad", "wd:wlrec->sad", "as_printed",
    ]


def test_csv_rows_hold_the_books_numbers_in_shortest_form(tmp_path):
    training = preset_training("multi-in")
    training.run(2)
    path = tmp_path / "log.csv"
    write_csv(path, training.log, training.data.input_names, training.data.output_names)
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    row = dict(zip(lines[0].split(","), lines[2].split(",")))
    assert row["iteration"] == "2" and row["example"] == "0" and row["alpha"] == "0.01"
    assert row["w:toes->win"] == "0.1119" and row["w:wlrec->win"] == "0.20091"
    assert "np." not in path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o044  # readable by others, like any file


def test_csv_round_trip_is_exact_in_every_mode(tmp_path):
    for mode in ("example", "cycle", "batch"):
        training = preset_training("multi-in-out", mode=mode)
        training.run(300)
        path = tmp_path / f"{mode}.csv"
        write_csv(path, training.log, training.data.input_names, training.data.output_names)
        log, inputs, outputs = read_csv(path)
        assert log.equals(training.log)
        assert (inputs, outputs) == (training.data.input_names, training.data.output_names)
    assert ",," in (tmp_path / "batch.csv").read_text().splitlines()[1]  # batch: example is empty


def test_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    from gdviz.core import csv_log

    training = preset_training("multi-in")
    training.run(10000)
    path = tmp_path / "log.csv"
    path.write_text("previous content\n")

    def failing_lines(*args, **kwargs):
        yield "iteration\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv_log, "stream_lines", failing_lines)
    with pytest.raises(OSError, match="No space"):
        write_csv(path, training.log, training.data.input_names, training.data.output_names)
    assert path.read_text() == "previous content\n"
    assert os.listdir(tmp_path) == ["log.csv"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("iteration,example,alpha,in:x,target:y,pred:y,delta:y,error:y,error_total,w:x->y\n", "columns"),
        ("iteration,example,alpha,in:x,target:y,pred:y,delta:y,error:y,error_total,w:x->y,wd:x->y,as_printed\n"
         "1,0,0.1,1,1,1,1\n", "line 2: expected 12"),
        ("iteration,example,alpha,in:x,target:y,pred:y,delta:y,error:y,error_total,w:x->y,wd:x->y,as_printed\n"
         "1,0,0.1,1,1,oops,1,1,1,1,1,0\n", "line 2"),
        ("iteration,example,alpha,in:x,target:y,pred:y,delta:y,error:y,error_total,w:x->y,wd:x->y,as_printed\n"
         "1,0,0.1,1,1,1,1,1,1,1,1,yes\n", "as_printed must be 0 or 1"),
    ],
)
def test_malformed_csv_names_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CsvFormatError, match=message):
        read_csv(path)


def test_parallel_formatting_in_the_cli_writes_the_same_bytes(tmp_path):
    """``gdviz train`` formats a long log in forked workers (in its own single-threaded process)."""
    import subprocess
    import sys

    from gdviz.core import csv_log

    iterations = csv_log.PARALLEL_ROWS + 5000
    path = tmp_path / "cli.csv"
    subprocess.run([sys.executable, "-m", "gdviz", "train", "--preset", "multi-in", "--mode", "cycle",
                    "--iterations", str(iterations), "--csv", str(path)], check=True, timeout=300)
    training = preset_training("multi-in", mode="cycle")
    training.run(iterations)
    names = training.data.input_names, training.data.output_names
    write_csv(tmp_path / "one.csv", training.log, *names, workers=1)
    assert path.read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.parametrize("note", ["stopped\n1,0,0.1,forged row", "two\r\nlines\rand\u2028more\n"])
def test_a_note_with_line_breaks_stays_one_comment_line(tmp_path, note):
    """A note (read from a session file, say) never adds lines to the CSV: the rows read back are the
    log's, and the file ends in one '#' line holding the note's words. Checked to fail with the note
    written as it was (f"# {note}")."""
    training = preset_training("multi-in")
    training.run(3)
    training.log.note = note
    path = tmp_path / "log.csv"
    write_csv(path, training.log, training.data.input_names, training.data.output_names)
    with open(path, encoding="utf-8", newline="") as file:
        lines = file.read().splitlines()
    assert len(lines) == 1 + 3 + 1 and lines[-1].startswith("# ")
    assert lines[-1].split() == ["#", *note.split()]
    log, _, _ = read_csv(path)
    assert log.count == 3
