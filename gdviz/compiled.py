"""The engine's two inner loops compiled with numba, running without the GIL.

A loop of tiny numpy calls holds Python's GIL all the time, so a trainer thread running it
starves the window's thread (see the README's Performance section). These loops do the same
arithmetic as :func:`gdviz.core.engine.numpy_rows` and :func:`~gdviz.core.engine.numpy_batch`
in compiled code that releases the GIL, so the window paints on the other core while the trainer
computes. Sums are taken in a plain left-to-right order, so results agree with numpy's (which
may use BLAS) to about 1e-15 relative, not always to the last bit; ``tests/test_compiled.py``
holds them to 1e-12.

:func:`loops` returns the compiled :class:`~gdviz.core.engine.Loops`, or None where numba is
not installed or cannot compile (the numpy loops then serve). Loading them (numba's import and
cache) takes ~0.7 s, so :func:`load_in_background` starts it on a thread of its own.
"""

from __future__ import annotations

import threading

import numpy as np

from gdviz.core.engine import Loops

_LOOPS: Loops | None = None
_FAILED = False
_LOCK = threading.Lock()  # one load at a time; a second caller waits for the first
_loader: threading.Thread | None = None


def _compile() -> Loops:
    from numba import njit

    @njit(nogil=True, cache=True)
    def rows_kernel(weights, pred, delta, weight_deltas, x_rows, t_rows, start, stop, alpha, frozen):
        n_outputs, n_inputs = weights.shape[1], weights.shape[2]
        for i in range(start, stop):
            for o in range(n_outputs):
                total = 0.0
                for j in range(n_inputs):
                    total += weights[i, o, j] * x_rows[i, j]
                pred[i, o] = total
                d = total - t_rows[i, o]
                delta[i, o] = d
                for j in range(n_inputs):
                    wd = 0.0 if frozen[o, j] else d * x_rows[i, j]
                    weight_deltas[i, o, j] = wd
                    weights[i + 1, o, j] = weights[i, o, j] - wd * alpha

    @njit(nogil=True, cache=True)
    def batch_kernel(weights, pred, delta, error, weight_deltas, inputs, targets, start, stop, alpha,
                     frozen):
        n_outputs, n_inputs = weights.shape[1], weights.shape[2]
        n_examples = inputs.shape[0]
        for i in range(start, stop):
            for o in range(n_outputs):
                pred_sum = 0.0
                delta_sum = 0.0
                error_sum = 0.0
                for j in range(n_inputs):
                    weight_deltas[i, o, j] = 0.0
                for k in range(n_examples):
                    total = 0.0
                    for j in range(n_inputs):
                        total += weights[i, o, j] * inputs[k, j]
                    d = total - targets[k, o]
                    pred_sum += total
                    delta_sum += d
                    error_sum += d * d
                    for j in range(n_inputs):
                        weight_deltas[i, o, j] += d * inputs[k, j]
                pred[i, o] = pred_sum / n_examples
                delta[i, o] = delta_sum / n_examples
                error[i, o] = error_sum / n_examples
                for j in range(n_inputs):
                    wd = 0.0 if frozen[o, j] else weight_deltas[i, o, j] / n_examples
                    weight_deltas[i, o, j] = wd
                    weights[i + 1, o, j] = weights[i, o, j] - wd * alpha

    def rows(weights, pred, delta, weight_deltas, x_rows, t_rows, start, stop, alpha, frozen):
        rows_kernel(weights, pred, delta, weight_deltas, x_rows, t_rows, start, stop, float(alpha),
                    _mask(frozen, weights))

    def batch(weights, pred, delta, error, weight_deltas, inputs, targets, start, stop, alpha, frozen):
        batch_kernel(weights, pred, delta, error, weight_deltas, np.ascontiguousarray(inputs),
                     np.ascontiguousarray(targets), start, stop, float(alpha), _mask(frozen, weights))

    return Loops(rows, batch)


def _mask(frozen, weights) -> np.ndarray:
    return np.zeros(weights.shape[1:], dtype=np.bool_) if frozen is None else frozen


def loops() -> Loops | None:
    """The compiled loops (compiled, or loaded from numba's cache, on first call); None if unavailable.

    If they are being loaded on another thread, this waits for it."""
    global _LOOPS, _FAILED
    with _LOCK:
        if _LOOPS is None and not _FAILED:
            try:
                compiled = _compile()
                _warm_up(compiled)
            except Exception:  # numba missing or unable to compile here: numpy's loops serve
                _FAILED = True
                return None
            _LOOPS = compiled
        return _LOOPS


def load_in_background() -> None:
    """Start loading the loops on a thread of its own (once), so that nobody waits for them later.

    The thread is not a daemon: a program that ends meanwhile waits for it (under a second)
    rather than interrupting an import."""
    global _loader
    with _LOCK:
        if _LOOPS is not None or _FAILED or _loader is not None:
            return
        _loader = threading.Thread(target=loops, name="gdviz: load compiled loops")
        _loader.start()


def _warm_up(compiled: Loops) -> None:
    """Compile both loops now (so the first Play does not wait for it)."""
    from gdviz.core.dataset import DataSet
    from gdviz.core.training import Training

    data = DataSet(("x",), ("y",), [[1.0]], [[0.5]])
    for mode in ("example", "batch"):
        Training(data, [[0.0]], 0.1, mode=mode, loops=compiled).run(2)
