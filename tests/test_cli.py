"""The headless command line, run as a user would run it."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gdviz.cli import main
from gdviz.core.csv_log import read_csv


def gdviz(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gdviz", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_presets_lists_names_and_shapes(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    assert "multi-in-out     3 in × 3 out" in out and "single           1 in × 1 out" in out


def test_train_writes_csv_to_stdout_and_a_summary_to_stderr():
    result = gdviz("train", "--preset", "multi-in", "--iterations", "3", "--csv", "-")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and lines[0].startswith("iteration,example,alpha,in:toes")
    assert "3 iterations of multi-in" in result.stderr and "8.802712522307997e-05" in result.stderr


def test_train_never_imports_qt():
    code = ("import sys; from gdviz.cli import main; main(['train','--iterations','5']); "
            "assert not any(m.startswith(('PySide6','pyqtgraph')) for m in sys.modules), 'Qt imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_later_options_override_earlier_ones(tmp_path):
    path = tmp_path / "log.csv"
    result = gdviz("train", "--preset", "single", "--alpha", "0.5", "--alpha", "0.001",
                   "--iterations", "2", "--csv", str(path))
    assert result.returncode == 0
    assert path.read_text().splitlines()[1].split(",")[2] == "0.001"


def test_freeze_option_keeps_a_weight(tmp_path):
    path = tmp_path / "log.csv"
    assert main(["train", "--preset", "multi-in", "--alpha", "0.3", "--freeze", "toes->win",
                 "--iterations", "3", "--csv", str(path)]) == 0
    rows = [line.split(",") for line in path.read_text().splitlines()[1:]]
    assert [r[7] for r in rows] == ["0.86", "0.938225", "0.97274178125"] or \
        [round(float(r[7]), 12) for r in rows] == [0.86, 0.938225, 0.97274178125]
    assert {r[11] for r in rows} == {"0.1"}


@pytest.mark.parametrize("args, names", [
    (["--preset", "nope"], "--preset"),
    (["--iterations", "-5"], "--iterations"),
    (["--iterations", "many"], "--iterations"),
    (["--alpha", "0"], "--alpha"),
    (["--alpha", "fast"], "--alpha"),
    (["--alpha", "nan"], "--alpha"),
    (["--example", "4"], "--example"),
    (["--freeze", "toes->nowhere"], "--freeze"),
    (["--mode", "sideways"], "--mode"),
    (["--shape", "2.5x3"], "--shape"),
    (["--shape", "33x1"], "--shape"),
    (["--shape", "3"], "--shape"),
    (["--shape", "²x3"], "--shape"),
    (["--shape", "3x3", "--preset", "single"], "--preset"),
])
def test_bad_arguments_exit_2_with_one_line_naming_the_problem(args, names, tmp_path):
    path = tmp_path / "log.csv"
    result = gdviz("train", "--iterations", "3", *args, "--csv", str(path)) if "--iterations" not in args[0] \
        else gdviz("train", *args, "--csv", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and names in result.stderr
    assert not path.exists() and os.listdir(tmp_path) == []


@pytest.mark.parametrize("where", ["missing", "directory", "readonly"])
def test_unwritable_csv_path_exits_2_and_writes_nothing(tmp_path, where):
    if where == "missing":
        path = tmp_path / "no" / "log.csv"
    elif where == "directory":
        path = tmp_path
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        path = folder / "log.csv"
        if os.access(folder, os.W_OK):  # root ignores permissions: use a folder not even root can write
            path = Path("/proc/gdviz-test.csv")
    result = gdviz("train", "--iterations", "3", "--csv", str(path))
    assert result.returncode == 2 and "--csv" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "no").exists() and not (path.is_file())


def test_divergence_is_reported_and_the_log_keeps_finite_rows(tmp_path):
    path = tmp_path / "log.csv"
    result = gdviz("train", "--preset", "multi-in", "--alpha", "0.1", "--iterations", "1000",
                   "--csv", str(path))
    assert result.returncode == 0
    assert "stopped at iteration 5" in result.stderr and "0.02699" in result.stderr
    text = path.read_text()
    lines = text.splitlines()
    assert len(lines) == 1 + 4 + 1 and lines[-1].startswith("# Training stopped at iteration 5:")
    assert text.endswith("overshoots.\n")
    log, _, _ = read_csv(path)
    assert log.count == 4 and "alpha 0.1 is above 0.02699" in log.note


def test_the_summary_counts_in_words_and_warns_when_alpha_is_above_the_bound():
    one = gdviz("train", "--preset", "multi-in", "--iterations", "1")
    assert "gdviz: 1 iteration of multi-in," in one.stderr and "warning" not in one.stderr
    none = gdviz("train", "--iterations", "0")
    assert none.returncode == 0 and "no iterations" in none.stderr and "nan" not in none.stderr
    short = gdviz("train", "--preset", "multi-in", "--alpha", "0.03", "--iterations", "2")
    assert short.returncode == 0 and short.stderr.count("\n") == 2
    assert "warning: alpha 0.03 is above 0.02699" in short.stderr
    cycle = gdviz("train", "--preset", "multi-in", "--mode", "cycle", "--alpha", "0.023", "--iterations", "20000")
    assert cycle.returncode == 0 and cycle.stderr.count("\n") == 1  # stable: no warning, no stop


def test_as_printed_gives_the_books_printed_weights():
    result = gdviz("train", "--preset", "multi-in-out", "--alpha", "0.1", "--as-printed", "--iterations", "1",
                   "--csv", "-")
    assert result.returncode == 0
    header, row = result.stdout.splitlines()
    fields = dict(zip(header.split(","), row.split(",")))
    assert fields["as_printed"] == "1" and fields["wd:wlrec->hurt"] == "-0.1699999999999992"  # 8.5 × delta[win]
    assert "with the update as printed" in result.stderr
    square = gdviz("train", "--preset", "multi-in", "--as-printed", "--iterations", "1")
    assert square.returncode == 2 and square.stderr.count("\n") == 1 and "square" in square.stderr


def test_version_and_help_name_every_way_in():
    version = gdviz("--version")
    assert version.returncode == 0 and version.stdout.startswith("gdviz ")
    text = gdviz("--help").stdout
    for words in ("gdviz SESSION", "presets", "train", "open the window"):
        assert words in text
    train_help = gdviz("train", "--help").stdout
    for option in ("--preset", "--iterations", "--alpha", "--mode", "--example", "--freeze", "--as-printed", "--csv"):
        line = next(line for line in train_help.splitlines() if line.strip().startswith(option))
        assert len(line.split()) > 2 or option in ("--freeze", "--mode"), line  # each has its help text


def _whole_run_csv(path, preset, iterations, **settings):
    """The CSV as gdviz wrote it before it trained in pieces: one run of every iteration, then one write."""
    from gdviz.core import preset_training
    from gdviz.core.csv_log import write_csv

    training = preset_training(preset, **settings)
    training.run(iterations)
    write_csv(path, training.log, training.data.input_names, training.data.output_names)
    return path.read_bytes()


@pytest.mark.parametrize("preset, alpha, mode, iterations", [
    ("multi-in", None, "cycle", 5000),  # converges: five pieces of 1,000 iterations
    ("multi-in", 0.027, "example", 9000),  # just above the bound: diverges after several pieces
    ("multi-in-out", 0.01, "batch", 3500),
])
def test_train_streams_its_csv_in_pieces_with_the_bytes_of_one_whole_run(tmp_path, monkeypatch, preset, alpha,
                                                                         mode, iterations):
    """Pieces of 1,000 iterations (instead of ~32 MB): the file is byte for byte the one a single run of
    every iteration gives, '# Training stopped…' line included, and the training's log never holds more
    than a piece. Checked to fail by clearing the log one iteration too late (a repeated row) and by
    dropping the last piece's note."""
    from gdviz import cli
    from gdviz.core import presets

    monkeypatch.setattr(cli, "PIECE_BYTES", 1)
    monkeypatch.setattr(cli, "MIN_PIECE_ROWS", 1000)
    made = []
    original = presets.preset_training
    monkeypatch.setattr(presets, "preset_training", lambda *a, **k: made.append(original(*a, **k)) or made[-1])
    args = ["train", "--preset", preset, "--mode", mode, "--iterations", str(iterations), "--csv",
            str(tmp_path / "pieces.csv")]
    if alpha is not None:
        args += ["--alpha", str(alpha)]
    assert main(args) == 0
    settings = {"mode": mode} | ({"alpha": alpha} if alpha is not None else {})
    expected = _whole_run_csv(tmp_path / "whole.csv", preset, iterations, **settings)
    written = (tmp_path / "pieces.csv").read_bytes()
    assert written == expected
    diverged = alpha == 0.027
    assert written.splitlines()[-1].startswith(b"# Training stopped at iteration") == diverged
    assert len(written.splitlines()) > 3000
    assert made[0].log.capacity <= 1024  # one piece, not the run: the log only ever doubled to 1,024 rows


def test_a_run_too_long_for_memory_trains_in_constant_memory_without_csv(monkeypatch, capsys):
    """--iterations beyond any memory (10,000,000,000 would be terabytes of records) trains piece by piece:
    the test stops it after 20 pieces of 1,000 iterations, when the log still holds one piece. Checked
    to fail by keeping every piece (no clear): the capacity then doubles past 1,024."""
    from gdviz import cli
    from gdviz.core import presets

    monkeypatch.setattr(cli, "PIECE_BYTES", 1)
    monkeypatch.setattr(cli, "MIN_PIECE_ROWS", 1000)
    made = []
    original = presets.preset_training

    def training(*args, **kwargs):
        made.append(original(*args, **kwargs))
        run = made[-1].run_records  # without --csv, training keeps only the records

        def limited(iterations, *more, **options):
            if made[-1].iteration >= 20_000:
                raise KeyboardInterrupt  # as Ctrl+C would
            return run(iterations, *more, **options)

        made[-1].run_records = limited
        return made[-1]

    monkeypatch.setattr(presets, "preset_training", training)
    monkeypatch.setattr(cli, "COMPILED_FROM", 10**12)  # numpy's loops: no compile in this test
    monkeypatch.setattr(cli, "COMPILED_FROM_WORK", 10**12)
    assert main(["train", "--preset", "multi-in", "--iterations", "10000000000"]) == 130
    assert made[0].iteration == 20_000 and made[0].log.capacity <= 1024
    err = capsys.readouterr().err
    assert err == "gdviz: interrupted after 20,000 iterations.\n"


def test_train_writes_to_a_fifo_as_it_is(tmp_path):
    """A FIFO named by --csv is written into (a reader gets the rows), not replaced by a regular file."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = gdviz("train", "--preset", "multi-in", "--iterations", "3", "--csv", str(fifo))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received and len(received[0].splitlines()) == 4
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("name, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_training_ends_in_one_line_and_leaves_no_file(tmp_path, name, code):
    """Ctrl+C or SIGTERM during a long streamed run: one line, exit 130 / 143, no file and no temporary
    beside it. Waits on the temporary file (the CSV under way), not on the clock."""
    import signal
    import time

    path = tmp_path / "long.csv"
    process = subprocess.Popen([sys.executable, "-m", "gdviz", "train", "--preset", "single", "--iterations",
                                "10000000000", "--csv", str(path)], stderr=subprocess.PIPE, text=True,
                               restore_signals=True)
    try:
        deadline = time.monotonic() + 60
        while not any(name.endswith(".part") and (tmp_path / name).stat().st_size for name in os.listdir(tmp_path)):
            assert process.poll() is None and time.monotonic() < deadline, "no CSV being written"
            time.sleep(0.05)
        process.send_signal(getattr(signal, name))
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == code
    assert err.count("\n") == 1 and "nothing was written" in err and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_csv_to_dev_stdout_goes_down_the_pipe():
    """/dev/stdout is a link to a pipe here (no path of its own to write a temporary file beside):
    the rows go down the pipe. Checked to fail with the link resolved first (mkstemp in /proc)."""
    result = gdviz("train", "--preset", "multi-in", "--iterations", "3", "--csv", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4


def test_shape_trains_a_fresh_network_as_the_window_makes_it():
    """``--shape NxM``: the Shape fields' network, the same numbers as the core's fresh_training,
    and its own names in the CSV and the summary."""
    from gdviz.core.presets import fresh_training

    result = gdviz("train", "--shape", "4x2", "--iterations", "5", "--mode", "cycle", "--csv", "-")
    assert result.returncode == 0
    header, *rows = [line.split(",") for line in result.stdout.splitlines()]
    assert header[3:7] == ["in:x1", "in:x2", "in:x3", "in:x4"] and "pred:y2" in header
    core = fresh_training(4, 2)
    core.set_mode("cycle")
    core.run(5)
    column = header.index("error_total")
    assert [float(row[column]) for row in rows] == core.log.error_total.tolist()
    assert "5 iterations of a fresh 4x2 network" in result.stderr


def test_without_csv_the_records_only_loops_give_the_same_summary():
    with_csv = gdviz("train", "--shape", "8x8", "--iterations", "3000", "--csv", "-")
    without = gdviz("train", "--shape", "8x8", "--iterations", "3000")
    assert with_csv.returncode == without.returncode == 0
    final = lambda text: text.split("final total error ")[1].split(",")[0]  # noqa: E731
    assert final(with_csv.stderr) == final(without.stderr)
