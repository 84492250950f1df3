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


def records_rows_kernel(weights: NDArray[np.float64], x_data: NDArray[np.float64], t_data: NDArray[np.float64],
                        examples: NDArray[np.int64], first_iteration: int, alpha: float, frozen: NDArray[np.bool_],
                        transposed: bool, error: NDArray[np.float64], error_total: NDArray[np.float64],
                        key_every: int, keys: NDArray[np.float64], key_rows: NDArray[np.int64],
                        counts: NDArray[np.int64]) -> None:  # pragma: no cover - runs compiled
    """Single-example iterations that keep only what the keyframed log keeps: each one's errors and
    total error, and the weights before every iteration numbered 1 + a multiple of ``key_every``.

    The arithmetic is ``rows_kernel``'s, operation for operation, but the loops run across the
    outputs (the weights held input-major), so the outputs' independent sums fill the vector
    units side by side; each output's sum still runs over its inputs left to right from 0.
    ``weights`` (outputs × inputs) is updated in place. The kernel stops after the first iteration
    whose total error or new weights are not finite: ``counts`` gets [iterations done (that one
    included), keyframes written]."""
    n_outputs, n_inputs = weights.shape[0], weights.shape[1]
    by_input = np.empty((n_inputs, n_outputs))
    frozen_by_input = np.empty((n_inputs, n_outputs), dtype=np.bool_)
    for o in range(n_outputs):
        for j in range(n_inputs):
            by_input[j, o] = weights[o, j]
            frozen_by_input[j, o] = frozen[o, j]
    any_frozen = False
    for o in range(n_outputs):
        for j in range(n_inputs):
            if frozen[o, j]:
                any_frozen = True
    pred = np.empty(n_outputs)
    delta = np.empty(n_outputs)
    check = np.empty(n_outputs)
    held = by_input.copy()  # the frozen weights' values, which never change
    n_keys = 0
    done = 0
    for r in range(examples.shape[0]):
        if (first_iteration + r - 1) % key_every == 0:
            for o in range(n_outputs):
                for j in range(n_inputs):
                    keys[n_keys, o, j] = by_input[j, o]
            key_rows[n_keys] = r
            n_keys += 1
        k = examples[r]
        for o in range(n_outputs):
            pred[o] = 0.0
        for j in range(n_inputs):
            xj = x_data[k, j]
            for o in range(n_outputs):
                pred[o] += xj * by_input[j, o]
        total_error = 0.0
        for o in range(n_outputs):
            d = pred[o] - t_data[k, o]
            delta[o] = d
            e = d * d
            error[r, o] = e
            total_error += e
        error_total[r] = total_error
        for o in range(n_outputs):
            check[o] = 0.0
        # a frozen weight's update is w - alpha * 0.0, which is w bit for bit: every weight is updated
        # alike, then the frozen ones (which never move) are put back, so no branch slows the loops
        # the vector units run
        if transposed:
            for j in range(n_inputs):
                dj = delta[j]
                for o in range(n_outputs):
                    w = by_input[j, o] - alpha * (x_data[k, o] * dj)
                    by_input[j, o] = w
                    check[o] += w * 0.0  # NaN once any weight is infinite or NaN
        else:
            for j in range(n_inputs):
                xj = x_data[k, j]
                for o in range(n_outputs):
                    w = by_input[j, o] - alpha * (delta[o] * xj)
                    by_input[j, o] = w
                    check[o] += w * 0.0
        if any_frozen:
            for o in range(n_outputs):
                check[o] = 0.0
            for j in range(n_inputs):
                for o in range(n_outputs):
                    if frozen_by_input[j, o]:
                        by_input[j, o] = held[j, o]
                    check[o] += by_input[j, o] * 0.0
        done = r + 1
        bad = not (total_error - total_error == 0.0)
        for o in range(n_outputs):
            if check[o] != 0.0:
                bad = True
        if bad:
            break
    for o in range(n_outputs):
        for j in range(n_inputs):
            weights[o, j] = by_input[j, o]
    counts[0] = done
    counts[1] = n_keys


def records_batch_kernel(weights: NDArray[np.float64], inputs: NDArray[np.float64], targets: NDArray[np.float64],
                         examples: NDArray[np.int64], first_iteration: int, alpha: float, frozen: NDArray[np.bool_],
                         transposed: bool, error: NDArray[np.float64], error_total: NDArray[np.float64],
                         key_every: int, keys: NDArray[np.float64], key_rows: NDArray[np.int64],
                         counts: NDArray[np.int64]) -> None:  # pragma: no cover - runs compiled
    """``batch_kernel``'s arithmetic keeping only the records (see ``records_rows_kernel``); every
    iteration uses every example (``examples`` only gives the count of iterations)."""
    n_outputs, n_inputs = weights.shape[0], weights.shape[1]
    n_examples = inputs.shape[0]
    by_input = np.empty((n_inputs, n_outputs))
    frozen_by_input = np.empty((n_inputs, n_outputs), dtype=np.bool_)
    for o in range(n_outputs):
        for j in range(n_inputs):
            by_input[j, o] = weights[o, j]
            frozen_by_input[j, o] = frozen[o, j]
    deltas_sum = np.empty((n_inputs, n_outputs))  # the weight_deltas added up over the examples
    pred = np.empty(n_outputs)
    example_delta = np.empty(n_outputs)
    error_sum = np.empty(n_outputs)
    check = np.empty(n_outputs)
    n_keys = 0
    done = 0
    for r in range(examples.shape[0]):
        if (first_iteration + r - 1) % key_every == 0:
            for o in range(n_outputs):
                for j in range(n_inputs):
                    keys[n_keys, o, j] = by_input[j, o]
            key_rows[n_keys] = r
            n_keys += 1
        for o in range(n_outputs):
            error_sum[o] = 0.0
        for j in range(n_inputs):
            for o in range(n_outputs):
                deltas_sum[j, o] = 0.0
        for k in range(n_examples):
            for o in range(n_outputs):
                pred[o] = 0.0
            for j in range(n_inputs):
                xj = inputs[k, j]
                for o in range(n_outputs):
                    pred[o] += xj * by_input[j, o]
            for o in range(n_outputs):
                d = pred[o] - targets[k, o]
                example_delta[o] = d
                error_sum[o] += d * d
            for j in range(n_inputs):
                xj = inputs[k, j]
                dj = example_delta[j] if transposed else 0.0
                for o in range(n_outputs):
                    if transposed:
                        deltas_sum[j, o] += inputs[k, o] * dj
                    else:
                        deltas_sum[j, o] += example_delta[o] * xj
        total_error = 0.0
        for o in range(n_outputs):
            e = error_sum[o] / n_examples
            error[r, o] = e
            total_error += e
        error_total[r] = total_error
        for o in range(n_outputs):
            check[o] = 0.0
        for j in range(n_inputs):
            for o in range(n_outputs):
                wd = 0.0 if frozen_by_input[j, o] else deltas_sum[j, o] / n_examples
                w = by_input[j, o] - alpha * wd
                by_input[j, o] = w
                check[o] += w * 0.0
        done = r + 1
        bad = not (total_error - total_error == 0.0)
        for o in range(n_outputs):
            if check[o] != 0.0:
                bad = True
        if bad:
            break
    for o in range(n_outputs):
        for j in range(n_inputs):
            weights[o, j] = by_input[j, o]
    counts[0] = done
    counts[1] = n_keys


def _writable(array: np.ndarray) -> np.ndarray:
    """``array`` as the kernels' one layout: C-contiguous and writable (a copy only if need be)."""
    return np.require(array, dtype=np.float64, requirements=["C", "W"])


class CompiledLoops:
    """:class:`gdviz.core.engine.Loops` running the compiled kernels."""

    name = "compiled"

    def __init__(self, rows: Callable[..., None], batch: Callable[..., None], records_rows: Callable[..., None],
                 records_batch: Callable[..., None]) -> None:
        self._rows, self._batch = rows, batch
        self._records_rows, self._records_batch = records_rows, records_batch

    def records(self, weights: np.ndarray, inputs: np.ndarray, targets: np.ndarray, examples: np.ndarray,
                first_iteration: int, alpha: float, frozen: np.ndarray, transposed: bool, batch: bool,
                error: np.ndarray, error_total: np.ndarray, key_every: int, keys: np.ndarray,
                key_rows: np.ndarray) -> tuple[int, int]:
        """Iterations that keep only the records (see ``records_rows_kernel``): (done, keyframes written)."""
        counts = np.zeros(2, dtype=np.int64)
        kernel = self._records_batch if batch else self._records_rows
        kernel(weights, _writable(inputs), _writable(targets), examples, int(first_iteration), float(alpha),
               np.require(frozen, np.bool_, ["C", "W"]), bool(transposed), error, error_total, int(key_every), keys,
               key_rows, counts)
        return int(counts[0]), int(counts[1])

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


def _records_signature() -> Signature:
    from numba import types

    f3, f2, f1 = (types.Array(types.float64, n, "C") for n in (3, 2, 1))
    i1 = types.Array(types.int64, 1, "C")
    mask = types.Array(types.boolean, 2, "C")
    return types.void(f2, f2, f2, i1, types.int64, types.float64, mask, types.boolean, f2, f1, types.int64, f3, i1,
                      i1)


def _compile(cache: bool) -> CompiledLoops:
    from numba import njit

    signature, records = _signatures(), _records_signature()
    rows = njit(signature, nogil=True, cache=cache)(rows_kernel)
    batch = njit(signature, nogil=True, cache=cache)(batch_kernel)
    records_rows = njit(records, nogil=True, cache=cache)(records_rows_kernel)
    records_batch = njit(records, nogil=True, cache=cache)(records_batch_kernel)
    return CompiledLoops(rows, batch, records_rows, records_batch)


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
