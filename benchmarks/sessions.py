"""Session files at scale: save and open a 1,000,000-iteration multi-in-out session.

    python benchmarks/sessions.py [--iterations N]

Targets: save ≤ 3 s, open ≤ 3 s, peak memory while opening ≤ 2 × the log's size. The file is
opened in a fresh process, so that the memory figures are the opening's own (and with the log
capacity the window asks for, whose untouched pages must cost nothing). Its peak is the kernel's
VmHWM, reset before opening: ``getrusage``'s ``ru_maxrss`` is no good here, as a spawned child
inherits the parent's peak (measured: 430 MB "growth" for a 293 MB opening). The file was just written,
so it is read from the page cache: the figures are the format's cost, not the disk's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from gdviz.core import compiled, preset_training  # noqa: E402
from gdviz.core.log import IterationLog  # noqa: E402
from gdviz.core.session import Session, load_session, save_session  # noqa: E402
from gdviz.core.state import state_of  # noqa: E402

WINDOW_LOG_CAPACITY = 3_500_000  # what the window allocates for its log

_OPEN = textwrap.dedent("""
    import json, os, sys, time
    from gdviz.core.session import load_session

    def rss():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def peak():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak so far becomes the RSS now: only the opening's own growth counts
    before = rss()
    started = time.perf_counter()
    session = load_session(sys.argv[1], log_capacity=int(sys.argv[2]))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_growth": peak() - before, "after_growth": rss() - before,
                      "count": session.log.count}))
""")


def bench_sessions(iterations: int = 1_000_000) -> dict[str, Any]:
    """Train multi-in-out for ``iterations`` with the compiled loops, save the session, open it in
    a fresh process; seconds, megabytes and the memory opening took."""
    run = preset_training("multi-in-out", mode="cycle")
    loops = compiled.loops()  # as the window does at full speed (None if numba cannot compile here)
    if loops is None:
        raise RuntimeError("the compiled loops are not available on this machine")
    run.loops = loops
    started = time.perf_counter()
    run.run(iterations)
    train_seconds = time.perf_counter() - started
    log = run.log
    session = Session(state_of(run, "multi-in-out"), log, shown=log.last_iteration // 2)
    log_bytes = log.count * IterationLog.bytes_per_record(log.n_inputs, log.n_outputs)
    with tempfile.TemporaryDirectory(prefix="gdviz-bench-") as folder:
        path = Path(folder) / "bench.gdviz"
        started = time.perf_counter()
        save_session(path, session)
        save_seconds = time.perf_counter() - started
        file_bytes = path.stat().st_size
        opened = json.loads(subprocess.run(
            [sys.executable, "-c", _OPEN, str(path), str(WINDOW_LOG_CAPACITY)], check=True,
            capture_output=True, text=True, cwd=HERE.parent).stdout)
        exact = load_session(path).log.equals(log)
    return {
        "iterations": log.count,
        "train_seconds": round(train_seconds, 3),
        "save_seconds": round(save_seconds, 3),
        "open_seconds": round(opened["seconds"], 3),
        "file_mb": round(file_bytes / 1e6, 1),
        "log_mb": round(log_bytes / 1e6, 1),
        "open_peak_rss_growth_mb": round(opened["peak_growth"] / 1e6, 1),
        "open_rss_growth_after_mb": round(opened["after_growth"] / 1e6, 1),
        "open_peak_over_log": round(opened["peak_growth"] / log_bytes, 2),
        "exact": exact,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000)
    print(json.dumps(bench_sessions(parser.parse_args().iterations), indent=2))
