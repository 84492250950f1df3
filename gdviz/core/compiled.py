"""The engine's two inner loops compiled with numba: the same numbers, without the GIL.

A loop of tiny numpy calls holds Python's GIL all the time, so a trainer thread running it
starves the window's thread (docs/performance.md). The kernels below do the arithmetic of
:class:`gdviz.core.engine.NumpyLoops` in the same order, operation for operation (so every
number is bit for bit the same, ``tests/test_exactness.py``), in compiled code that releases the
GIL. numba compiles without fast-math flags, so LLVM never fuses a multiply and an add into one
rounding (``tests/test_exactness.py`` reads the machine code for fused multiply-adds).

Each kernel is compiled once, for the one array layout gdviz passes it (explicit signatures:
C-contiguous, writable float64 arrays and a bool mask), and cached where numba caches (the
package's ``__pycache__``, or the user's cache folder when that is read-only). If the cache
cannot be written, the kernels are compiled without it; if they cannot be compiled at all,
:func:`loops` returns None and the numpy loops serve. Either way :func:`problem` says why, in a
sentence for the status bar. Loading takes ~0.7 s (numba's import) or ~1.2 s (a first
compile), so :func:`load_in_background` does it on a thread of its own.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from gdviz.core.log import IterationLog

if TYPE_CHECKING:  # numba is imported only when the loops are loaded
    from numba.core.typing.templates import Signature


def rows_kernel(weights: NDArray[np.float64], pred: NDArray[np.float64], delta: NDArray[np.float64],
                error: NDArray[np.float64], error_total: NDArray[np.float64], weight_deltas: NDArray[np.float64],
                x_rows: NDArray[np.float64], t_rows: NDArray[np.float64], start: int, stop: int, alpha: float,
                frozen: NDArray[np.bool_], transposed: bool) -> None:  # pragma: no cover - runs compiled
    n_outputs, n_inputs = weights.shape[1], weights.shape[2]
    for i in range(start, stop):
        total_error = 0.0
        for o in range(n_outputs):
            total = 0.0
            for j in range(n_inputs):
                total += x_rows[i, j] * weights[i, o, j]
            pred[i, o] = total
            d = total - t_rows[i, o]
            delta[i, o] = d
            error[i, o] = d * d
            total_error += error[i, o]
        error_total[i] = total_error
        for o in range(n_outputs):
            for j in range(n_inputs):
                if frozen[o, j]:
                    wd = 0.0
                elif transposed:
                    wd = x_rows[i, o] * delta[i, j]
                else:
                    wd = delta[i, o] * x_rows[i, j]
                weight_deltas[i, o, j] = wd
                weights[i + 1, o, j] = weights[i, o, j] - alpha * wd


def batch_kernel(weights: NDArray[np.float64], pred: NDArray[np.float64], delta: NDArray[np.float64],
                 error: NDArray[np.float64], error_total: NDArray[np.float64], weight_deltas: NDArray[np.float64],
                 inputs: NDArray[np.float64], targets: NDArray[np.float64], start: int, stop: int, alpha: float,
                 frozen: NDArray[np.bool_], transposed: bool) -> None:  # pragma: no cover - runs compiled
    n_outputs, n_inputs = weights.shape[1], weights.shape[2]
    n_examples = inputs.shape[0]
    example_delta = np.empty(n_outputs)
    for i in range(start, stop):
        for o in range(n_outputs):
            pred[i, o] = 0.0
            delta[i, o] = 0.0
            error[i, o] = 0.0
            for j in range(n_inputs):
                weight_deltas[i, o, j] = 0.0
        for k in range(n_examples):
            for o in range(n_outputs):
                total = 0.0
                for j in range(n_inputs):
                    total += inputs[k, j] * weights[i, o, j]
                d = total - targets[k, o]
                example_delta[o] = d
                pred[i, o] += total
                delta[i, o] += d
                error[i, o] += d * d
            for o in range(n_outputs):
                for j in range(n_inputs):
                    if transposed:
                        weight_deltas[i, o, j] += inputs[k, o] * example_delta[j]
                    else:
                        weight_deltas[i, o, j] += example_delta[o] * inputs[k, j]
        total_error = 0.0
        for o in range(n_outputs):
            pred[i, o] = pred[i, o] / n_examples
            delta[i, o] = delta[i, o] / n_examples
            error[i, o] = error[i, o] / n_examples
            total_error += error[i, o]
        error_total[i] = total_error
        for o in range(n_outputs):
            for j in range(n_inputs):
                wd = 0.0 if frozen[o, j] else weight_deltas[i, o, j] / n_examples
                weight_deltas[i, o, j] = wd
                weights[i + 1, o, j] = weights[i, o, j] - alpha * wd


def _writable(array: np.ndarray) -> np.ndarray:
    """``array`` as the kernels' one layout: C-contiguous and writable (a copy only if need be)."""
    return np.require(array, dtype=np.float64, requirements=["C", "W"])


class CompiledLoops:
    """:class:`gdviz.core.engine.Loops` running the compiled kernels."""

    name = "compiled"

    def __init__(self, rows: Callable[..., None], batch: Callable[..., None]) -> None:
        self._rows, self._batch = rows, batch

    def _arrays(self, log: IterationLog) -> tuple[np.ndarray, ...]:
        return tuple(log.storage(name) for name in ("weights", "pred", "delta", "error", "error_total",
                                                    "weight_deltas"))

    def rows(self, log: IterationLog, start: int, stop: int, alpha: float, frozen: np.ndarray,
             transposed: bool) -> None:
        self._rows(*self._arrays(log), log.storage("inputs"), log.storage("targets"), start, stop,
                   float(alpha), np.require(frozen, np.bool_, ["C", "W"]), bool(transposed))

    def batch(self, log: IterationLog, inputs: np.ndarray, targets: np.ndarray, start: int, stop: int,
              alpha: float, frozen: np.ndarray, transposed: bool) -> None:
        self._batch(*self._arrays(log), _writable(inputs), _writable(targets), start, stop,
                    float(alpha), np.require(frozen, np.bool_, ["C", "W"]), bool(transposed))


_LOOPS: CompiledLoops | None = None
_PROBLEM: str | None = None  # why the loops are slower or missing, once known
_TRIED = False
_LOCK = threading.Lock()  # one load at a time; a second caller waits for the first
_cancelled = threading.Event()  # set by cancel_loading(): the window is closing
_process_lock = threading.Lock()
COMPILE_INTO_CACHE = "from gdviz.core.compiled import _compile; _compile(cache=True)"  # the process's code
_compiler: subprocess.Popen[bytes] | None = None  # the process filling numba's cache, if any
_loader: threading.Thread | None = None


def _signatures() -> Signature:
    from numba import types

    f3, f2, f1 = (types.Array(types.float64, n, "C") for n in (3, 2, 1))
    mask = types.Array(types.boolean, 2, "C")
    common = (f3, f2, f2, f2, f1, f3, f2, f2, types.int64, types.int64, types.float64, mask, types.boolean)
    return types.void(*common)


def _compile(cache: bool) -> CompiledLoops:
    from numba import njit

    signature = _signatures()
    rows = njit(signature, nogil=True, cache=cache)(rows_kernel)
    batch = njit(signature, nogil=True, cache=cache)(batch_kernel)
    return CompiledLoops(rows, batch)


def loops() -> CompiledLoops | None:
    """The compiled loops (compiled, or loaded from numba's cache, on first call); None if unavailable.

    If they are being loaded on another thread, this waits for it."""
    global _LOOPS, _PROBLEM, _TRIED
    with _LOCK:
        if not _TRIED:
            _TRIED = True
            try:
                _LOOPS = _compile(cache=True)
            except ImportError:
                _PROBLEM = "numba is not installed, so training at full speed runs on numpy (about a third as fast)."
            except Exception as exc:  # noqa: BLE001 - any failure of caching: compile without it
                try:
                    _LOOPS = _compile(cache=False)
                    _PROBLEM = (f"The compiled loops could not be cached ({_reason(exc)}), so they are "
                                "compiled again at each start (about a second, in the background).")
                except Exception as second:  # noqa: BLE001 - numba cannot compile here: numpy serves
                    _PROBLEM = (f"The compiled loops could not be compiled ({_reason(second)}), so training "
                                "at full speed runs on numpy (about a third as fast).")
        return _LOOPS


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")


def problem() -> str | None:
    """Why the compiled loops are missing or uncached (None when all is well or not yet tried)."""
    return _PROBLEM


def ready() -> bool:
    """Whether loading has finished (successfully or not): :func:`loops` will not wait."""
    return _TRIED and not _LOCK.locked()


def load_in_background(compile_elsewhere: bool = True) -> threading.Thread | None:
    """Start loading the loops on a thread of its own (once), so that nobody waits for them later.

    With ``compile_elsewhere``, a first compile (numba's cache still empty after an install) runs
    in a separate Python process that fills the cache, and this process then only loads from
    it: numba's compiler is mostly Python holding the GIL, and compiling on a thread here
    stalled the window for 60-70 ms at a time (loading from the cache, under 35 ms).

    Returns the thread (None when there is nothing to load). It is not a daemon: an import
    interrupted by the interpreter's exit can crash it, so whoever starts it joins it
    (:func:`wait_for_loader`) before exiting."""
    global _loader
    with _LOCK:
        if _TRIED or (_loader is not None and _loader.is_alive()):
            return None
        _cancelled.clear()
        _loader = threading.Thread(target=_load, args=(compile_elsewhere,), name="gdviz: load compiled loops")
        _loader.start()
        return _loader


def _load(compile_elsewhere: bool) -> None:
    if compile_elsewhere:
        fill_cache_in_a_process()
    if not _cancelled.is_set():
        loops()


def cancel_loading() -> None:
    """Give up a background load that has not got far: a compile running in its separate process
    is ended, and the loops are not loaded afterwards (closing the window does not wait for a
    compiler). A load already importing numba in this process finishes (~0.7 s)."""
    _cancelled.set()
    with _process_lock:
        if _compiler is not None and _compiler.poll() is None:
            _compiler.kill()


def fill_cache_in_a_process(timeout: float = 300) -> bool:
    """Compile the kernels into numba's cache in a separate Python process (a cache already full
    is only read there). True if it worked; if not, :func:`loops` compiles here as before."""
    global _compiler
    with _process_lock:
        if _cancelled.is_set():
            return False
        try:
            _compiler = subprocess.Popen([sys.executable, "-c", COMPILE_INTO_CACHE], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        except OSError:
            return False
    try:
        return _compiler.wait(timeout) == 0
    except subprocess.TimeoutExpired:
        _compiler.kill()
        _compiler.wait()
        return False


def wait_for_loader(timeout: float | None = None) -> bool:
    """Wait for a background load to finish; True when no load is running."""
    loader = _loader
    if loader is not None:
        loader.join(timeout)
        return not loader.is_alive()
    return True
