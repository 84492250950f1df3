"""Writing files so that a failure never leaves a half-written file under the chosen name."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0o022)  # read once at import (setting it is process-wide), then put back
os.umask(_UMASK)


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


def check_writable(path: str | os.PathLike) -> None:
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
def atomic_write(path: str | os.PathLike, mode: str = "w", **open_args):
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    If the body raises (or the disk fills up), the temporary file is removed, ``path`` keeps
    its previous content (or stays absent), and the exception propagates.
    """
    path = Path(path)
    folder = _check_target(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, mode, **open_args) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; give it normal rights
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def describe_error(exc: BaseException, path) -> str:
    """One sentence for a user about why writing ``path`` failed."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"Could not write {path}: {reason.rstrip('.')}."
