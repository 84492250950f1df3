"""The Qt-free core of gdviz: numpy only, importable without a display.

- :mod:`gdviz.core.dataset`   named inputs/outputs and the examples to learn from
- :mod:`gdviz.core.network`   the linear network's arithmetic (predict, deltas, weight_deltas)
- :mod:`gdviz.core.training`  a training session: weights, alpha, mode, freezing, stepping
- :mod:`gdviz.core.log`       the lossless iteration log in preallocated numpy arrays
- :mod:`gdviz.core.presets`   the book's four networks (and its freezing experiment)
- :mod:`gdviz.core.csv_log`   the iteration log as CSV, written atomically and streamed
- :mod:`gdviz.core.files`     atomic file writing
"""

from gdviz.core.dataset import DataSet
from gdviz.core.log import IterationLog
from gdviz.core.presets import PRESETS, preset_training
from gdviz.core.training import MODES, Divergence, RunResult, Training

__all__ = [
    "MODES",
    "PRESETS",
    "DataSet",
    "Divergence",
    "IterationLog",
    "RunResult",
    "Training",
    "preset_training",
]
