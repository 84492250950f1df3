"""gdviz benchmark: the engine against bare numpy, the CLI, and the window at full speed.

    python benchmarks/run.py [--quick] [--repeats N]

Prints a table and writes benchmarks/results.json. Not part of the test suite: timing goals are
checked here, by a person, not by asserts. Every ratio compares figures from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gdviz.core import Training, preset_training  # noqa: E402
from gdviz.core.presets import fresh_training  # noqa: E402


def median_rate(function, iterations: int, repeats: int) -> float:
    """Median iterations per second of ``function(iterations)`` over ``repeats`` runs."""
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(iterations)
        rates.append(iterations / (time.perf_counter() - started))
    return statistics.median(rates)


def bare_loop(training: Training, mode: str):
    """The chapter's arithmetic written inline: no log, no objects, nothing kept."""
    inputs, targets = training.data.inputs, training.data.targets
    alpha, examples = training.alpha, training.data.n_examples

    def run(iterations):
        weights = training.initial_weights.copy()
        if mode == "batch":
            for _ in range(iterations):
                delta = inputs @ weights.T - targets
                error = delta**2  # noqa: F841 - computed, as the engine does
                weights -= alpha * (delta.T @ inputs / examples)
        else:
            for i in range(iterations):
                k = 0 if mode == "example" else i % examples
                x = inputs[k]
                delta = weights.dot(x) - targets[k]
                error = delta**2  # noqa: F841
                weights -= alpha * np.outer(delta, x)

    return run


def engine_loop(make, mode: str, loops=None):
    def run(iterations):
        training = make()
        training.set_mode(mode)
        if loops is not None:
            training.loops = loops
        training.run(iterations)

    return run


def bench_engine(repeats: int, quick: bool) -> list[dict]:
    """The engine with its log, numpy's loops (the reference) and the compiled ones (the same
    numbers; used at full speed in the window and for long runs of the CLI), against bare numpy."""
    from gdviz.core import compiled

    fast = compiled.loops()
    rows = []
    sizes = [("3x3 multi-in-out", lambda: preset_training("multi-in-out"), 20_000 if quick else 100_000),
             ("32x32", lambda: fresh_training(32, 32), 5_000 if quick else 20_000)]
    for name, make, iterations in sizes:
        for mode in ("example", "cycle", "batch"):
            engine = median_rate(engine_loop(make, mode), iterations, repeats)
            bare = median_rate(bare_loop(make(), mode), iterations, repeats)
            row = {"network": name, "mode": mode, "engine_it_s": engine, "bare_it_s": bare, "ratio": engine / bare}
            if fast is not None:
                row["compiled_it_s"] = median_rate(engine_loop(make, mode, fast), iterations, repeats)
                row["compiled_ratio"] = row["compiled_it_s"] / bare
            rows.append(row)
    return rows


def bench_records(repeats: int, quick: bool) -> list[dict]:
    """Issue 20: the compiled loops as the window trains, keeping only the records and keyframes
    (into a keyframed log), against bare numpy (BLAS) in the same run."""
    from gdviz.core import compiled
    from gdviz.core.keyframes import KeyframedLog, keyframe_interval

    fast = compiled.loops()
    if fast is None:
        return []
    rows = []
    # the same iterations for both (a converging run reaches subnormal numbers after a while, which
    # are slower on x86 for both)
    sizes = [("3x3 multi-in-out", lambda: preset_training("multi-in-out"), 50_000 if quick else 200_000),
             ("32x32", lambda: fresh_training(32, 32), 20_000 if quick else 50_000)]
    for name, make, iterations in sizes:
        for mode in ("example", "cycle", "batch"):
            def records(count, make=make, mode=mode):
                training = make()
                training.set_mode(mode)
                training.loops = fast
                data = training.data
                every = keyframe_interval(data.n_inputs, data.n_outputs)
                log = KeyframedLog(data.n_inputs, data.n_outputs, keyframe_every=every)
                left = count
                every = log.interval_for(training.settings)  # as the trainer does (batch: closer)
                while left:  # in the window's batches: a few thousand iterations a report
                    result, batch = training.run_records(min(left, 8192), every, block=4096)
                    log.append_batch(batch)
                    left -= result.iterations

            fast_rate = median_rate(records, iterations, repeats)
            bare = median_rate(bare_loop(make(), mode), iterations, repeats)
            rows.append({"network": name, "mode": mode, "records_it_s": fast_rate, "bare_it_s": bare,
                         "ratio": fast_rate / bare})
    return rows


def bench_log_bytes() -> list[dict]:
    """Issue 20: a keyframed log's bytes per iteration, records and keyframes (used and allocated)."""
    from gdviz.core import compiled
    from gdviz.core.dataset import DataSet
    from gdviz.core.keyframes import KeyframedLog, keyframe_interval
    from gdviz.core.training import Training

    rows = []
    rng = np.random.default_rng(1)
    for name, n, m, iterations in (("3x3", 3, 3, 1_000_000), ("32x32", 32, 32, 1_000_000),
                                   ("64x10", 64, 10, 1_000_000)):
        data = DataSet(tuple(f"x{i}" for i in range(n)), tuple(f"y{o}" for o in range(m)),
                       rng.uniform(0, 1, (16, n)), rng.uniform(0, 1, (16, m)))
        training = Training(data, np.zeros((m, n)), 1e-4, mode="cycle", loops=compiled.loops() or None)
        every = keyframe_interval(n, m)
        log = KeyframedLog(n, m, keyframe_every=every)
        left = iterations
        while left:
            result, batch = training.run_records(min(left, 65536), every, block=8192)
            log.append_batch(batch)
            left -= result.iterations
        used = log.count * KeyframedLog.bytes_per_record(n, m) + sum(k.weights.nbytes for k in log.keyframes)
        rows.append({"network": name, "iterations": log.count, "keyframe_every": every,
                     "bytes_per_iteration": used / log.count, "allocated_per_iteration": log.nbytes / log.count})
    return rows


def bench_cli_memory() -> dict:
    """Issue 20: `gdviz train` holds one piece at a time, whatever the number of iterations."""
    # VmHWM, the peak of this process's own memory: ru_maxrss also counts the parent's pages the
    # child had between fork and exec (the benchmark's own ~400 MB, seen here)
    script = ("import sys; from gdviz.cli import main; code = main(sys.argv[1:]); "
              "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')), "
              "file=sys.stderr); sys.exit(code)")
    figures = {}
    for name, args in (("32x32, 1,000,000, no CSV", ["--shape", "32x32", "--iterations", "1000000"]),
                       ("3x3, 10,000,000, CSV into a pipe",
                        ["--shape", "3x3", "--iterations", "10000000", "--csv", "-"])):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", script, "train", *args], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, cwd=HERE.parent, check=True)
        figures[name] = {"wall_s": time.perf_counter() - started,
                         "peak_rss_mb": int(result.stderr.strip().splitlines()[-1]) * 1024 / 1e6}
    return figures


def bench_cli(repeats: int, quick: bool) -> dict:
    iterations = 100_000 if quick else 1_000_000
    times, rss, sizes = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        for _ in range(repeats):
            script = ("import resource, sys; from gdviz.cli import main; code = main(sys.argv[1:]); "
                      "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
                      "sys.exit(code)")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-c", script, "train", "--preset", "multi-in-out",
                 "--iterations", str(iterations), "--csv", str(path)],
                capture_output=True, text=True, cwd=HERE.parent, check=True)
            times.append(time.perf_counter() - started)
            rss.append(int(result.stderr.strip().splitlines()[-1]) * 1024)
            train_seconds = float(result.stderr.splitlines()[0].rsplit(",", 1)[1].split()[0])
            sizes.append((path.stat().st_size, times[-1] - train_seconds))
    csv_bytes, csv_seconds = sizes[len(sizes) // 2]
    return {"iterations": iterations, "wall_s": statistics.median(times), "peak_rss_mb": max(rss) / 1e6,
            "csv_mb": csv_bytes / 1e6, "csv_write_s": csv_seconds, "csv_mb_s": csv_bytes / 1e6 / csv_seconds}


def bench_csv(repeats: int, quick: bool) -> dict:
    """Writing the CSV in this process: one process, as the window does, and with a forked worker
    per core, as the CLI does; for the CLI's converged log and for one whose values never repeat
    (alpha so small that every weight moves on every iteration)."""
    from gdviz.core.csv_log import write_csv

    result = {}
    cases = {"converged": (1_000_000, None), "never_repeats": (150_000, 1e-9)}  # over PARALLEL_ROWS
    with tempfile.TemporaryDirectory() as folder:
        for case, (rows, alpha) in cases.items():
            rows = rows // 10 if quick else rows
            training = preset_training("multi-in-out")
            if alpha is not None:
                training.set_alpha(alpha)
            training.run(rows)
            names = training.data.input_names, training.data.output_names
            for workers in (1, os.cpu_count() or 1):
                times = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    write_csv(Path(folder) / "log.csv", training.log, *names, workers=workers)
                    times.append(time.perf_counter() - started)
                seconds = statistics.median(times)
                result[f"{case}_{workers}_workers"] = {"rows": rows, "seconds": seconds,
                                                       "us_per_row": seconds / rows * 1e6}
    return result


WINDOW_SCRIPT = textwrap.dedent("""
    import json, os, random, sys, time, resource
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, sys.argv[2])
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[3])
    app = QApplication([])
    from gdviz.ui.main_window import MainWindow
    from gdviz.core.state import SPEEDS
    from gdviz.core.keyframes import KeyframedLog

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def peak_since_reset():  # the kernel's high-water mark, reset by writing 5 to clear_refs
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM"))

    def reset_peak():
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")

    class Painted(QObject):
        count = 0
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                Painted.count += 1
            return False

    def pump(seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.0005)

    def wait_painted(frames, started, limit=2.0):
        while Painted.count == frames and time.perf_counter() - started < limit:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    class TimerProbe:  # a 10 ms GUI-thread timer, a stand-in for a click: how late its ticks come
        def __init__(self):
            self.ticks = []
            self.timer = QTimer(); self.timer.setInterval(10)
            self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
            self.timer.start()
        def delays_ms(self):
            self.timer.stop()
            delays = sorted(max(0.0, b - a - 0.010) for a, b in zip(self.ticks, self.ticks[1:]))
            return {"timer_p99_ms": 1000 * delays[int(0.99 * (len(delays) - 1))], "timer_max_ms": 1000 * delays[-1]}

    def train(count):
        window.controls.run_field.setValue(count)
        window.run_n()
        pump(0.05)
        while window.controller.log.count < count or window.controller.state.playing:
            pump(0.05)

    def scrub(result):  # any of 1,000,000 iterations shown, every view updated and painted: 200 moves a tab
        random.seed(1)
        for tab in ("curves", "bowls"):
            window.views.tabs.setCurrentIndex(0 if tab == "curves" else 1)
            pump(0.3)
            moves = []
            for _ in range(200):
                started, frames = time.perf_counter(), Painted.count
                window.controller.show_iteration(random.randint(0, 1_000_000))
                wait_painted(frames, started)
                moves.append(1000 * (time.perf_counter() - started))
                pump(0.005)
            moves.sort()
            result[f"scrub_{tab}"] = {"median_ms": moves[len(moves) // 2],
                                      "p99_ms": moves[int(0.99 * (len(moves) - 1))], "max_ms": moves[-1]}

    spec, _, tab = sys.argv[1].partition("@")  # "speed@bowls": with the bowls tab shown
    mode, _, speed = spec.partition(":")  # "speed" is max; "speed:5000" is 5,000 a second
    if mode == "compile":  # numba's cache was emptied: the loops load (and compile) on their thread
        from gdviz.core import compiled
    window = MainWindow("multi-in-out")
    window.resize(1360, 820)
    window.show()
    if tab == "bowls":
        window.views.tabs.setCurrentIndex(1)
    painted = Painted()  # frames: paints of the network diagram, which redraws every frame
    window.views.network_view.installEventFilter(painted)
    result = {}
    if mode == "compile":
        pump(0.5)  # the window's first paints done: what is measured is the load and the run
        probe = TimerProbe()
        started = time.perf_counter()
        window._load_compiled_loops()
        window.controller.set_mode("batch")
        train(1000)
        result = {"batch_run_1000_s": time.perf_counter() - started}
        while not compiled.ready():
            pump(0.01)
        result["loaded_s"] = time.perf_counter() - started
        pump(0.3)
        result.update(probe.delays_ms())  # the GUI timer from the click to the loops loaded
        result["problem"] = compiled.problem()
        window.files.close_at_once()  # no Save / Discard question: nothing here is to be kept
        window.close()
        print(json.dumps(result))
        sys.exit(0)
    pump(2.5)  # past the trainer's warm-up (numba's import, ~70 MB once), which is not per-iteration
    seconds = float(sys.argv[4])
    if mode == "speed":
        probe = TimerProbe()
        window.controls.speed_slider.setValue(SPEEDS.index(int(speed) if speed else None))
        rss0 = rss()
        window.toggle_play()
        started = time.perf_counter(); frames0 = Painted.count
        pump(seconds)
        elapsed = time.perf_counter() - started
        window.toggle_play()
        iterations = window.controller.log.count
        result = {"iterations": iterations, "it_s": iterations / elapsed,
                  "fps": (Painted.count - frames0) / elapsed, **probe.delays_ms(),
                  "rss_growth_mb": (rss() - rss0) / 1e6}
    elif mode in ("big", "digits"):  # at max speed: speed, frames, memory, the GUI's delays
        if mode == "big":  # a 32×32 network (issue 20)
            window.controller.load_shape(32, 32)
            pump(1.0)
        else:  # the digits preset, 64 -> 10, cycle over 1,797 (issue 22)
            window.controller.load_preset("digits")
            pump(3.0)  # the cycle's stability bound, worked out once
        probe = TimerProbe()
        window.controls.speed_slider.setValue(SPEEDS.index(None))
        rss0 = rss()
        window.toggle_play()
        started = time.perf_counter(); frames0 = Painted.count
        pump(seconds)
        elapsed = time.perf_counter() - started
        still_playing = window.controller.state.playing
        window.toggle_play()
        iterations = window.controller.log.count
        result = {"iterations": iterations, "it_s": iterations / elapsed,
                  "fps": (Painted.count - frames0) / elapsed, **probe.delays_ms(),
                  "rss_growth_mb": (rss() - rss0) / 1e6, "rss_mb": rss() / 1e6,
                  "log_mb": window.controller.log.nbytes / 1e6, "still_playing": still_playing,
                  "notice": window.controller.notice}
    elif mode == "scrub32":  # a 32×32 log of 1,000,000 iterations, any iteration shown and painted
        window.controller.load_shape(32, 32)
        pump(1.0)
        train(1_000_000)
        scrub(result)
        result["log_mb"] = window.controller.log.nbytes / 1e6
    elif mode == "step":
        latencies = []
        for _ in range(30):
            target = window.controller.log.count + 1
            started, frames = time.perf_counter(), Painted.count
            window.step()
            # wait as the event loop does (GIL released), not spinning: a spinning GUI thread
            # keeps the trainer thread from the GIL for a switch interval (5 ms) at a time
            while not (window.views.error_plot.shown == target and window.controller.log.count == target):
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            wait_painted(frames, started)
            latencies.append(time.perf_counter() - started)
            pump(0.02)
        result = {"median_ms": 1000 * sorted(latencies)[len(latencies) // 2],
                  "max_ms": 1000 * max(latencies), "each_ms": [round(1000 * t, 1) for t in latencies]}
    elif mode == "memory":
        rss0 = rss()
        started = time.perf_counter()
        train(1_000_000)
        elapsed = time.perf_counter() - started
        after = rss()
        pump(2.0)
        settled = rss()
        result = {"seconds": elapsed, "it_s": 1_000_000 / elapsed, "rss_growth_mb": (after - rss0) / 1e6,
                  "rss_after_2s_mb": (settled - rss0) / 1e6,
                  "log_bytes_per_iteration": window.controller.log.nbytes / window.controller.log.count,
                  "rss_bytes_per_iteration": (after - rss0) / 1_000_000,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3}
        # the curves of a million points, zoomed out, zoomed in and panned: a repaint's cost and
        # how many points pyqtgraph draws (after clip-to-view and downsampling)
        plot = window.views.error_plot
        views = {"1,000 iterations": (500_000, 501_000), "100 iterations": (1, 100),
                 "panned 1,000": (700_000, 701_000), "100,000 iterations": (200_000, 300_000), "all": None}
        curves = result["curves"] = {}
        for name, x_range in views.items():
            started = time.perf_counter()  # a range change (a wheel step, say): clip, downsample, paint
            plot.follow.setChecked(x_range is None)  # zooming by mouse turns Follow off
            if x_range is not None:
                plot.view.setXRange(*x_range, padding=0)
            app.processEvents()
            plot.plot.repaint()
            change_ms = (time.perf_counter() - started) * 1000
            pump(0.2)
            paints = []
            for _ in range(7):
                plot.plot.repaint()
                paints.append(plot.plot.paint_seconds * 1000)
            drawn = sum(len(item.getData()[0]) for series in (*plot.curves, plot.total_curve)
                        for item in series.items if item.getData()[0] is not None)
            curves[name] = {"change_ms": change_ms, "paint_ms": sorted(paints)[3], "points_drawn": drawn}
        # scrubbing: any iteration shown, every view updated and painted
        scrub(result)
        window.views.tabs.setCurrentIndex(0)
        window.controller.show_iteration(None)
        pump(0.3)
        # File > Export of the million rows, then Save session and Open it: on a thread, with a
        # progress dialog; how long, and how late a 10 ms GUI timer's ticks come meanwhile
        for what, name in (("export", "export.csv"), ("save", "session.gdviz"), ("open", "session.gdviz")):
            target = os.path.join(sys.argv[3], name)
            QFileDialog.getSaveFileName = staticmethod(lambda *args, _t=target, **kwargs: (_t, ""))
            probe = TimerProbe()
            pump(0.1)  # ticks before the work starts too, so that a stall at its start counts
            reset_peak()
            rss_before = rss()
            started = time.perf_counter()
            if what == "export":
                window.files.export_log()
            elif what == "save":
                window.files.save_session(True)
            else:
                window.files.open_session(target)
            while window.files.busy:
                pump(0.01)
            seconds = time.perf_counter() - started
            pump(0.1)
            result[what] = {"seconds": seconds, "mb": os.path.getsize(target) / 1e6, **probe.delays_ms(),
                            "peak_growth_mb": (peak_since_reset() - rss_before) / 1e6}
        result["open"]["log_mb"] = window.controller.log.nbytes / 1e6
        assert window.controller.log.count == 1_000_000
    window.files.close_at_once()  # no Save / Discard question: nothing here is to be kept
    window.close()
    print(json.dumps(result))
""")


def median_run(runs: list[dict]) -> dict:
    """Each figure's median over the runs (figures in nested dicts too)."""
    merged = {}
    for key, value in runs[0].items():
        values = [run[key] for run in runs]
        if isinstance(value, dict):
            merged[key] = median_run(values)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(values)
        else:
            merged[key] = value
    return merged


def run_windows(mode: str, repeats: int, seconds: float = 10.0) -> dict:
    """``run_window`` in ``repeats`` fresh processes: each figure's median, and the runs."""
    runs = [run_window(mode, seconds) for _ in range(repeats)]
    return {**median_run(runs), "runs": runs}


def run_window(mode: str, seconds: float = 10.0, env: dict | None = None) -> dict:
    with tempfile.TemporaryDirectory() as settings:
        result = subprocess.run([sys.executable, "-c", WINDOW_SCRIPT, mode, str(HERE.parent), settings,
                                 str(seconds)], capture_output=True, text=True, check=True, timeout=900, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_first_compile(repeats: int) -> dict:
    """The first batch Run 1,000 after a fresh install: numba's cache empty, the loops compile on
    their own thread while the window trains on numpy; the GUI timer's delays meanwhile."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            runs.append(run_window("compile", env={**os.environ, "NUMBA_CACHE_DIR": cache}))
    return {**median_run([{k: v for k, v in run.items() if k != "problem"} for run in runs]), "runs": runs}


def bench_startup(repeats: int) -> float:
    script = textwrap.dedent("""
        import os, sys, time
        sys.path.insert(0, sys.argv[1])
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[2])
        app = QApplication([])
        from gdviz.ui import MainWindow
        window = MainWindow()
        window.show()
        app.processEvents()
        print(time.time())
        window.close()
    """)
    times = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as settings:
            started = time.time()
            result = subprocess.run([sys.executable, "-c", script, str(HERE.parent), settings],
                                    capture_output=True, text=True, check=True, env=env)
            times.append(float(result.stdout.strip().splitlines()[-1]) - started)
    return statistics.median(times)


def bench_big(results: dict, repeats: int, quick: bool) -> None:
    """Section 8 (issue 20): big networks at full speed."""
    print(f"8. Big networks: compiled loops keeping records and keyframes, against bare numpy (median of {repeats})")
    results["records"] = bench_records(repeats, quick)
    for row in results["records"]:
        print(f"   {row['network']:<18} {row['mode']:<8} records {row['records_it_s']:>12,.0f}   "
              f"bare {row['bare_it_s']:>10,.0f}   ratio {row['ratio']:.1f}")
    print("   log bytes per iteration (records + keyframes, used / allocated):")
    results["log_bytes"] = bench_log_bytes()
    for row in results["log_bytes"]:
        print(f"   {row['network']:<6} {row['bytes_per_iteration']:7.1f} B / {row['allocated_per_iteration']:7.1f} B "
              f"(a keyframe every {row['keyframe_every']:,} iterations; {row['iterations']:,} iterations)")
    print("   gdviz train, peak RSS:")
    results["cli_memory"] = bench_cli_memory()
    for name, figures in results["cli_memory"].items():
        print(f"   {name:<34} {figures['wall_s']:6.1f} s  peak RSS {figures['peak_rss_mb']:6.0f} MB")
    seconds = 10.0 if quick else 60.0
    big = results["window_big"] = run_windows("big", 1, seconds)
    print(f"   the window, 32x32 at max for {seconds:.0f} s: {big['it_s']:,.0f} it/s, {big['fps']:.1f} fps, "
          f"timer p99 {big['timer_p99_ms']:.1f} ms (max {big['timer_max_ms']:.1f}); RSS {big['rss_mb']:,.0f} MB "
          f"(log {big['log_mb']:,.0f} MB); still playing: {big['still_playing']} {big['notice']}")
    if not quick:
        scrub = results["scrub_32x32"] = run_windows("scrub32", 1)
        for tab in ("curves", "bowls"):
            figures = scrub[f"scrub_{tab}"]
            print(f"   scrubbing a 32x32 log of 1,000,000 iterations ({tab}): median {figures['median_ms']:.1f} ms, "
                  f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms (log {scrub['log_mb']:.0f} MB)")


def bench_digits(results: dict, repeats: int, quick: bool) -> None:
    """Section 10 (issue 22): the digits preset, 64 inputs -> 10 outputs over 1,797 examples."""
    from gdviz.core import compiled
    from gdviz.core.keyframes import KeyframedLog

    fast = compiled.loops()
    print(f"10. The digits (64 -> 10, 1,797 examples): compiled loops keeping records, against bare numpy "
          f"(median of {repeats})")
    rows = results["digits_records"] = []
    for mode, iterations in (("cycle", 50_000 if quick else 200_000), ("batch", 300 if quick else 1_000)):
        def records(count, mode=mode):
            training = preset_training("digits", mode=mode)
            training.loops = fast
            log = KeyframedLog(64, 10)
            every, left = log.interval_for(training.settings), count
            while left:
                result, batch = training.run_records(min(left, 8192), every, block=4096)
                log.append_batch(batch)
                left -= result.iterations

        fast_rate = median_rate(records, iterations, repeats)
        bare = median_rate(bare_loop(preset_training("digits", mode=mode), mode), max(iterations // 10, 30), repeats)
        rows.append({"mode": mode, "records_it_s": fast_rate, "bare_it_s": bare, "ratio": fast_rate / bare})
        print(f"   {mode:<8} records {fast_rate:>12,.0f} it/s   bare numpy {bare:>10,.0f} it/s   "
              f"ratio {fast_rate / bare:.1f}")
    seconds = 10.0 if quick else 60.0
    window = results["window_digits"] = run_windows("digits", 1, seconds)
    print(f"   the window, digits in cycle mode at max for {seconds:.0f} s: {window['it_s']:,.0f} it/s, "
          f"{window['fps']:.1f} fps, timer p99 {window['timer_p99_ms']:.1f} ms (max {window['timer_max_ms']:.1f}); "
          f"RSS {window['rss_mb']:,.0f} MB (log {window['log_mb']:,.0f} MB); still playing: "
          f"{window['still_playing']} {window['notice']}")


def mnist_like_csv(path: Path, rows: int = 60_000, pixels: int = 784) -> None:
    """A CSV the size of MNIST's (~110 MB): a label column (10 classes) then 784 pixel columns of
    0 to 255, about four in five of them 0, as the digits' backgrounds are."""
    rng = np.random.default_rng(21)
    with open(path, "w", newline="") as file:
        file.write(",".join(["label", *(f"p{k}" for k in range(pixels))]) + "\n")
        for start in range(0, rows, 5000):
            count = min(5000, rows - start)
            values = rng.integers(0, 256, (count, pixels + 1))
            values[:, 1:][rng.random((count, pixels)) < 0.8] = 0
            values[:, 0] %= 10
            file.write("\n".join(",".join(map(str, row)) for row in values.tolist()) + "\n")


TAKE_IN_SCRIPT = textwrap.dedent("""
    import json, os, sys, tempfile, time
    sys.path.insert(0, sys.argv[1])
    folder = sys.argv[3]
    screen = os.path.join(folder, "screen.json")  # a laptop's screen: offscreen's own is 800 x 800
    with open(screen, "w") as file:
        json.dump({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}, file)
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + screen
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, folder)
    app = QApplication([])
    from gdviz.ui import MainWindow

    def pump(seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.0005)

    window = MainWindow("multi-in-out")
    window.show()
    pump(2.5)  # past start-up and the compiled loops' loading
    controller, data_files = window.controller, window.actions.data_files
    data_files.ask_columns = lambda shown, name: ([f"p{k}" for k in range(784)], [], "label")
    mode = sys.argv[4]  # "file": File → Import data; "example", "batch": the data set in memory, in that mode
    if mode != "file":  # read, and its alpha worked out, as the import's worker does, before the timer starts
        from gdviz.core.data_import import load_data as read_data, read_pieces
        from gdviz.core.keyframes import keyframe_interval
        from gdviz.core.presets import data_training, default_alpha
        data = read_data(read_pieces(sys.argv[2]), [f"p{k}" for k in range(784)], one_hot="label").data
        alpha = default_alpha(data_training(data, mode))
        keyframe_interval(784, 10)
        pump(0.5)
    taken = []
    real_load = controller.load_data

    def load_data(*args, **kwargs):
        begun = time.perf_counter()
        real_load(*args, **kwargs)
        taken.append((begun, time.perf_counter()))

    controller.load_data = load_data
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    pump(0.2)
    begun = time.perf_counter()
    if mode == "file":
        data_files.import_data(sys.argv[2])
    else:
        controller.load_data(data, "mnist.csv", alpha=alpha, mode=mode)
    while not taken and time.perf_counter() - begun < 120:
        pump(0.05)
    pump(3.0)  # the first paints, the redraw, the arithmetic
    (start, end), = taken
    # how late each tick came, by when it was due: those due from just before the data set was
    # taken in (the job's end) until 3 s after
    late = [(b - a) * 1000 - 10 for a, b in zip(ticks, ticks[1:]) if a + 0.010 >= start - 0.010]
    reading = [(b - a) * 1000 - 10 for a, b in zip(ticks, ticks[1:]) if begun <= a and a + 0.010 < start - 0.010]
    print(json.dumps({"take_in_max_ms": max(late), "load_data_ms": (end - start) * 1000,
                      "reading_max_ms": max(reading, default=0.0), "import_to_shown_s": end - begun,
                      "examples": controller.state.data.n_examples}))
    window.files.close_at_once()
    window.close()
""")


def bench_take_in(path: Path, repeats: int, mode: str = "file") -> dict:
    """The window taking an imported data set in (File → Import data on ``path``, the columns chosen
    as a learner would; or, ``mode`` "example" or "batch", the data set read beforehand and taken in
    in that mode): how late a 10 ms timer came from the import's end (the session taken in on
    the GUI thread: the panels rebuilt, the first paints, the redraw, the arithmetic) until 3 s
    after, in ``repeats`` fresh windows."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            result = subprocess.run([sys.executable, "-c", TAKE_IN_SCRIPT, str(HERE.parent), str(path), folder, mode],
                                    capture_output=True, text=True, check=True, timeout=600)
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    worst = sorted(run["take_in_max_ms"] for run in runs)
    return {**median_run(runs), "take_in_worst_ms": worst[-1], "runs": runs}


def bench_import(quick: bool) -> dict:
    """Issue 21, point 6: a 60,000 × 785 CSV (MNIST's size) imported as the window imports it (read,
    split, numbers checked, the label column one-hot, the default alpha's stability bound) on a
    thread, while the main thread runs a 10 ms timer: the seconds, and how late the timer came
    (the GIL the import holds is what could stall the window)."""
    import threading

    from gdviz.core.data_import import load_data, read_pieces
    from gdviz.core.presets import data_training, default_alpha

    rows = 6_000 if quick else 60_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mnist.csv"
        mnist_like_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        inputs = [f"p{k}" for k in range(784)]
        done: dict = {}

        def work() -> None:
            started = time.perf_counter()
            imported = load_data(read_pieces(path, lambda _: True), inputs, one_hot="label", progress=lambda _: True)
            done["import_s"] = time.perf_counter() - started
            done["alpha"] = default_alpha(data_training(imported.data))
            done["with_alpha_s"] = time.perf_counter() - started
            done["shape"] = (imported.data.n_examples, imported.data.n_inputs, imported.data.n_outputs)

        thread = threading.Thread(target=work)
        delays = []
        thread.start()
        while thread.is_alive():
            asked = time.perf_counter()
            time.sleep(0.010)
            delays.append((time.perf_counter() - asked - 0.010) * 1000)
        thread.join()
        take_in = bench_take_in(path, 1 if quick else 3)
        in_memory = {mode: bench_take_in(path, 1 if quick else 3, mode) for mode in ("example", "batch")}
    delays.sort()
    return {"rows": rows, "columns": 785, "mb": size_mb, "import_s": done["import_s"],
            "with_alpha_s": done["with_alpha_s"], "examples_inputs_outputs": done["shape"],
            "timer_p99_ms": delays[int(0.99 * (len(delays) - 1))], "timer_max_ms": delays[-1], "take_in": take_in,
            "in_memory": in_memory}


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", choices=["big", "import", "digits"],
                        help="only the big-network figures (issue 20), the data import's (issue 21) "
                             "or the digits' (issue 22)")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    results = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                           "cpus": os.cpu_count(), "processor": platform.machine()}}

    if args.only == "import":
        figures = results["import"] = bench_import(args.quick)
        print(f"9. Importing a {figures['rows']:,} × 785 CSV ({figures['mb']:.0f} MB) on a thread: "
              f"{figures['import_s']:.2f} s ({figures['with_alpha_s']:.2f} s with the default alpha); "
              f"10 ms timer meanwhile p99 {figures['timer_p99_ms']:.1f} ms late, max {figures['timer_max_ms']:.1f} ms")
        take_in = figures["take_in"]
        print(f"   the window taking it in (Import data, then 3 s): 10 ms timer at most "
              f"{take_in['take_in_max_ms']:.0f} ms late (median of {len(take_in['runs'])} windows; worst "
              f"{take_in['take_in_worst_ms']:.0f} ms), load_data {take_in['load_data_ms']:.0f} ms; while the file "
              f"was read at most {take_in['reading_max_ms']:.0f} ms; "
              f"import to shown {take_in['import_to_shown_s']:.1f} s")
        for mode, taken in figures["in_memory"].items():
            lates = " / ".join(f"{run['take_in_max_ms']:.0f}" for run in taken["runs"])
            print(f"   the same data set in memory taken in {mode} mode: at most {lates} ms late, "
                  f"load_data {taken['load_data_ms']:.0f} ms (median)")
        (HERE / "results-import.json").write_text(json.dumps(results, indent=2))
        return 0

    if args.only == "digits":
        bench_digits(results, repeats, args.quick)
        (HERE / "results-digits.json").write_text(json.dumps(results, indent=2))
        print(f"wrote {HERE / 'results-digits.json'}")
        return 0

    if args.only == "big":
        bench_big(results, repeats, args.quick)
        (HERE / "results-big.json").write_text(json.dumps(results, indent=2))
        print(f"wrote {HERE / 'results-big.json'}")
        return 0

    print(f"1. Engine (with log) against a bare numpy loop, iterations/s (median of {repeats})")
    results["engine"] = bench_engine(repeats, args.quick)
    for row in results["engine"]:
        compiled_text = (f"   compiled {row['compiled_it_s']:>10,.0f} ({row['compiled_ratio']:.2f})"
                         if "compiled_it_s" in row else "")
        print(f"   {row['network']:<18} {row['mode']:<8} numpy engine {row['engine_it_s']:>10,.0f}   "
              f"bare {row['bare_it_s']:>10,.0f}   ratio {row['ratio']:.2f}{compiled_text}")
    headless = next(r["engine_it_s"] for r in results["engine"]
                    if r["network"].startswith("3x3") and r["mode"] == "example")

    print("2. Headless CLI")
    cli = results["cli"] = bench_cli(repeats, args.quick)
    print(f"   {cli['iterations']:,} iterations: {cli['wall_s']:.1f} s wall, peak RSS {cli['peak_rss_mb']:.0f} MB, "
          f"CSV {cli['csv_mb']:.0f} MB in {cli['csv_write_s']:.1f} s ({cli['csv_mb_s']:.1f} MB/s)")

    print("   CSV writing alone (µs a row; seconds for 1,000,000 rows):")
    for case, figures in bench_csv(repeats, args.quick).items():
        results.setdefault("csv", {})[case] = figures
        print(f"   {case.replace('_', ' '):<26} {figures['us_per_row']:6.2f} µs/row  "
              f"= {figures['us_per_row']:5.1f} s per million rows")

    print(f"3. The window at max speed (offscreen, {3 if args.quick else 10} s)")
    window = results["window"] = run_windows("speed", repeats, 3.0 if args.quick else 10.0)
    window["ratio_to_engine"] = window["it_s"] / headless
    print(f"   {window['it_s']:,.0f} it/s = {window['ratio_to_engine']:.2f} × engine; {window['fps']:.1f} fps; "
          f"10 ms timer delay p99 {window['timer_p99_ms']:.1f} ms, max {window['timer_max_ms']:.1f} ms")

    bowls = results["window_bowls"] = run_windows("speed@bowls", repeats, 3.0 if args.quick else 10.0)
    print(f"   with the bowls shown: {bowls['it_s']:,.0f} it/s; {bowls['fps']:.1f} fps; "
          f"10 ms timer delay p99 {bowls['timer_p99_ms']:.1f} ms, max {bowls['timer_max_ms']:.1f} ms")

    for speed in (5000, 100):
        slower = results[f"window_{speed}"] = run_windows(f"speed:{speed}", repeats, 3.0 if args.quick else 5.0)
        print(f"   at {speed:,}/s: {slower['it_s']:,.0f} it/s; {slower['fps']:.1f} fps; "
              f"10 ms timer delay p99 {slower['timer_p99_ms']:.1f} ms, max {slower['timer_max_ms']:.1f} ms")

    print("4. Step latency")
    latencies = [ms for _ in range(repeats) for ms in run_window("step")["each_ms"]]
    step = results["step"] = {"median_ms": statistics.median(latencies), "max_ms": max(latencies),
                              "p90_ms": sorted(latencies)[int(0.9 * (len(latencies) - 1))], "each_ms": latencies}
    print(f"   {len(latencies)} steps: median {step['median_ms']:.1f} ms, p90 {step['p90_ms']:.1f} ms, "
          f"max {step['max_ms']:.1f} ms")

    if not args.quick:
        print("5. Memory: 1,000,000 iterations at max speed in the window")
        memory = results["memory"] = run_windows("memory", repeats)
        print(f"   {memory['seconds']:.1f} s ({memory['it_s']:,.0f} it/s); "
              f"RSS growth {memory['rss_growth_mb']:.0f} MB, "
              f"2 s later {memory['rss_after_2s_mb']:.0f} MB; {memory['rss_bytes_per_iteration']:.0f} B of RSS per "
              f"iteration, of which the log's record is {memory['log_bytes_per_iteration']} B")
        for what in ("export", "save", "open"):
            figures = memory[what]
            print(f"   File > {what} ({figures['mb']:.0f} MB): {figures['seconds']:.2f} s; 10 ms timer delay "
                  f"meanwhile p99 {figures['timer_p99_ms']:.1f} ms, max {figures['timer_max_ms']:.1f} ms; "
                  f"peak memory growth {figures['peak_growth_mb']:.0f} MB")
        for tab in ("curves", "bowls"):
            scrub = memory[f"scrub_{tab}"]
            print(f"   scrubbing the 1,000,000 iterations ({tab} shown): an iteration shown and painted in "
                  f"median {scrub['median_ms']:.1f} ms, p99 {scrub['p99_ms']:.1f} ms, max {scrub['max_ms']:.1f} ms")
        for name, figures in memory["curves"].items():
            print(f"   curves, view of {name:<18} change of view {figures['change_ms']:5.1f} ms, "
                  f"repaint {figures['paint_ms']:5.1f} ms, "
                  f"{figures['points_drawn']:,} points drawn of 4 × 1,000,000")

    print("6. The first batch Run 1,000 after a fresh install (numba's cache empty)")
    first = results["first_compile"] = bench_first_compile(1 if args.quick else 3)
    print(f"   {first['batch_run_1000_s']:.2f} s to 1,000 iterations (loops loaded after {first['loaded_s']:.1f} s); "
          f"10 ms timer delay p99 {first['timer_p99_ms']:.1f} ms, max {first['timer_max_ms']:.1f} ms")

    print("7. Start-up to window shown")
    results["startup_s"] = bench_startup(repeats)
    print(f"   {results['startup_s']:.2f} s")

    bench_big(results, repeats, args.quick)
    bench_digits(results, repeats, args.quick)

    (HERE / "results.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
