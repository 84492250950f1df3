"""Writing files so that a failure never leaves a half-written file under the chosen name."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_UMASK = os.umask(0o022)  # read once at import (setting it is process-wide), then put back
os.umask(_UMASK)


class Cancelled(Exception):
    """The user cancelled; nothing was written (when saving) and nothing was returned (when opening).

    Raised by long jobs whose ``progress`` callback returned False, so that the caller can tell a
    cancel (say nothing, or "Cancelled") from a failure (say why).
    """


def _check_target(path: Path) -> Path:
    """The folder ``path`` would be written in; OSError with a clear message if it can't be."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    if not folder.is_dir():
        raise FileNotFoundError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"the folder {folder} is not writable")
    return folder


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise OSError with a clear message if ``path`` cannot be written as a new or replaced file
    (checked before long work, so that it fails before the work, not after)."""
    folder = _check_target(Path(path))
    try:  # the only sure test (a read-only file system, or rules that even root must follow)
        handle, probe = tempfile.mkstemp(prefix=".gdviz-probe.", dir=folder)
    except OSError as exc:
        raise PermissionError(f"the folder {folder} is not writable ({exc.strerror})") from None
    os.close(handle)
    os.unlink(probe)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    ``mode`` is ``"w"`` for text or ``"wb"`` for bytes (session files are zip archives), and
    ``open_args`` go to :func:`open` (``encoding``, ``newline`` …).

    If the body raises (or the disk fills up), the temporary file is removed, ``path`` keeps
    its previous content (or stays absent), and the exception propagates.
    """
    target = Path(path)
    folder = _check_target(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, mode, **open_args) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; give it normal rights
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def describe_error(exc: BaseException, path: str | os.PathLike[str]) -> str:
    """One sentence for a user about why writing ``path`` failed."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Could not write {path}: {reason.rstrip('.')}."
