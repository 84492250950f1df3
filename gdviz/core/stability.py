"""The largest alpha for which gradient descent on this data cannot blow up.

For one example, each step multiplies that output's delta by ``1 - alpha * ‖x‖²`` (‖x‖² over the
inputs whose weights may move), so training diverges when ``alpha > 2 / ‖x‖²``. For the mean
over examples (``batch``) the bound is ``2 / λmax`` of the mean of ``x xᵀ``; for ``cycle`` the
smallest per-example bound is a guide (not an exact limit).
"""

from __future__ import annotations

import numpy as np

from gdviz.core.dataset import DataSet


def _bound(inputs: np.ndarray, movable: np.ndarray) -> float:
    """2 / λmax of the mean of x xᵀ over the rows of ``inputs``, restricted to ``movable`` inputs."""
    x = inputs[:, movable]
    if x.size == 0:
        return float("inf")
    largest = float(np.linalg.eigvalsh(x.T @ x / inputs.shape[0])[-1])
    return 2.0 / largest if largest > 0 else float("inf")


def stable_alpha(data: DataSet, mode: str, example: int = 0, frozen: np.ndarray | None = None) -> float:
    """The largest stable alpha for ``mode`` (``inf`` when no weight can move or x is 0)."""
    frozen = np.zeros((data.n_outputs, data.n_inputs), bool) if frozen is None else frozen
    bounds = []
    for output in range(data.n_outputs):
        movable = ~frozen[output]
        if mode == "batch":
            bounds.append(_bound(data.inputs, movable))
        elif mode == "cycle":
            bounds.extend(_bound(data.inputs[k : k + 1], movable) for k in range(data.n_examples))
        else:
            bounds.append(_bound(data.inputs[example : example + 1], movable))
    return min(bounds)


def bound_formula(mode: str) -> str:
    """How :func:`stable_alpha` got its number, in the learner's terms."""
    return {
        "batch": "2/λmax(mean of x·xᵀ) over the data set",
        "cycle": "the smallest 2/‖x‖² over the examples",
    }.get(mode, "2/‖x‖² for this example")
