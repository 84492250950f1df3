"""The handwritten digits: 1,797 images of 8×8 pixels, each labelled with the digit it shows.

They are the test part of the UCI "Optical Recognition of Handwritten Digits" data set
(E. Alpaydin and C. Kaynak, 1998; CC BY 4.0), as scikit-learn ships them:
``resources/digits.csv.gz`` is scikit-learn's ``sklearn/datasets/data/digits.csv.gz``, byte for
byte. Each line is 64 pixel values 0–16, row by row, then the label 0–9.

As a data set each pixel is an input named ``r{row}c{column}`` with the value divided by 16
(exact in binary: 0 to 1 in steps of 1/16), and each digit is an output named ``0`` … ``9``,
its target 1 for the images of that digit and 0 for the others (one-hot).
"""

from __future__ import annotations

import functools
import gzip

import numpy as np

from gdviz.core.dataset import DataSet
from gdviz.core.resources import resource_path

FILE = "digits.csv.gz"
SIDE = 8
"""Each image is SIDE × SIDE pixels."""
PIXEL_NAMES = tuple(f"r{row}c{column}" for row in range(SIDE) for column in range(SIDE))
DIGIT_NAMES = tuple(str(digit) for digit in range(10))
LABEL_COLUMN = "digit"
"""The name of the class column the outputs come from (one output per digit)."""


def read_digits() -> tuple[np.ndarray, np.ndarray]:
    """The pixels (1,797 × 64, integers 0–16) and labels (1,797 integers 0–9) as stored."""
    with gzip.open(resource_path(FILE), "rt", encoding="ascii") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.int64)
    return table[:, :-1], table[:, -1]


@functools.lru_cache(maxsize=1)
def digits_data() -> DataSet:
    """The digits as a data set (read once; a data set is read-only, so it is shared)."""
    pixels, labels = read_digits()
    return DataSet(PIXEL_NAMES, DIGIT_NAMES, pixels / 16.0, np.eye(10)[labels], one_hot=LABEL_COLUMN)
