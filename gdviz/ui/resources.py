"""Finding files in ``resources/`` (the one place that knows how is :mod:`gdviz.core.resources`)."""

from gdviz.core.resources import resource_path

__all__ = ["resource_path"]
