"""Inputs that form an image: the pixels of each example, each output's weights and the dot
product, as pictures of rows × columns.

The inputs are the pixels row by row (``r0c0, r0c1, …``): input ``i`` is pixel
``divmod(i, columns)``. An output's pred is the dot product of the example's pixels with that
output's weights, ``pred = 0; pred += x[i] * w[i]`` for i = 0 … N-1 (the book's ``w_sum``): so the
dot-product image (``x[i] * w[i]`` per pixel), added pixel by pixel row by row from 0
(:func:`pixel_sum`), is the pred bit for bit, the one the log and the arithmetic show.
"""

from __future__ import annotations

import math
import re

import numpy as np

from gdviz.core.dataset import DataSet

SMALLEST_SQUARE = 16
"""A data set without an image size of its own is taken for an image when its input count is a
square of at least this many (4 × 4): a 4-input game is not a 2 × 2 picture."""


def image_shape(data: DataSet) -> tuple[int, int] | None:
    """``(rows, columns)`` of the image ``data``'s inputs form: the size its import named, else a
    square input count ≥ :data:`SMALLEST_SQUARE` (8 × 8 for the digits), else None."""
    if data.image is not None:
        return data.image
    side = math.isqrt(data.n_inputs)
    if data.n_inputs >= SMALLEST_SQUARE and side * side == data.n_inputs:
        return side, side
    return None


_SIZE = re.compile(r"\s*([0-9]+)\s*[x×X*]\s*([0-9]+)\s*")


def parse_image_size(text: str) -> tuple[int, int]:
    """``"W×H"`` (or ``WxH``: width first, as image sizes are written) as ``(rows, columns)`` =
    ``(H, W)``; ValueError naming the problem otherwise."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"an image size is width × height, such as 28x28, not {text!r}")
    columns, rows = int(match.group(1)), int(match.group(2))
    if rows < 1 or columns < 1:
        raise ValueError(f"an image is at least 1 × 1 pixels, not {text!r}")
    return rows, columns


def size_text(shape: tuple[int, int]) -> str:
    """``(rows, columns)`` as the learner writes it: ``"8 × 8"``, width first."""
    return f"{shape[1]} × {shape[0]}"


def pixel(input_: int, shape: tuple[int, int]) -> tuple[int, int]:
    """``(row, column)`` of input ``input_``'s pixel (row-major: r1c0 is input 8 at 8 × 8)."""
    row, column = divmod(input_, shape[1])
    return row, column


def input_at(row: int, column: int, shape: tuple[int, int]) -> int:
    """The input whose pixel is at ``(row, column)``."""
    return row * shape[1] + column


def _checked(values: np.ndarray, shape: tuple[int, int], what: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.shape[-1] != shape[0] * shape[1]:
        raise ValueError(f"{what} has {values.shape[-1]} values, not the {shape[0]} × {shape[1]} of the image")
    return values


def example_image(data: DataSet, example: int, shape: tuple[int, int] | None = None) -> np.ndarray:
    """The inputs of example ``example`` (0-based) as a rows × columns image (a new array)."""
    shape = shape or image_shape(data)
    if shape is None:
        raise ValueError(f"the {data.n_inputs} inputs do not form an image")
    image: np.ndarray = _checked(data.inputs[example], shape, "the example").reshape(shape).copy()
    return image


def weight_images(weights: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Each output's weights as an image: outputs × rows × columns (a new array)."""
    weights = _checked(weights, shape, "each output's weights")
    images: np.ndarray = weights.reshape(weights.shape[0], *shape).copy()
    return images


def dot_product_image(inputs_row: np.ndarray, weights_row: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``input × weight`` pixel by pixel: the terms of one output's pred, as a rows × columns image."""
    inputs_row = _checked(inputs_row, shape, "the inputs")
    weights_row = _checked(weights_row, shape, "the weights")
    terms: np.ndarray = (inputs_row * weights_row).reshape(shape)
    return terms


def pixel_sum(image: np.ndarray) -> float:
    """The pixels added one by one, row by row, from 0: for a dot-product image, the book's pred
    bit for bit (numpy's ``sum`` adds in pairs from 8 terms on, and its last bit differs)."""
    total = 0.0
    for value in np.asarray(image, dtype=np.float64).ravel().tolist():
        total += value
    return total
