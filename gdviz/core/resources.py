"""Finding files in ``resources/`` from a source checkout and from an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path:
    """The path of ``resources/<name>`` (FileNotFoundError if it is missing)."""
    candidate = _CHECKOUT / name
    if candidate.is_file():
        return candidate
    packaged = resources.files("gdviz.resources") / name
    if packaged.is_file():
        return Path(str(packaged))
    raise FileNotFoundError(f"gdviz resource {name!r} is missing")
