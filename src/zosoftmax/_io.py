"""Progress reporting and atomic file writes (private helpers for long runs)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

_UMASK = os.umask(0)
os.umask(_UMASK)

__all__ = ["Progress", "atomic_write_bytes", "atomic_write_text", "atomic_write_json", "read_json"]


class Progress:
    """A dependency-free progress bar on stderr, redrawn at most ~10 times a second.

    ``enabled=None`` shows it only when stderr is a terminal, so logs and CI stay clean.
    """

    def __init__(self, total: int, desc: str = "", enabled: bool | None = None, stream: TextIO | None = None):
        self.total, self.desc, self.count = max(int(total), 1), desc, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._start = self._last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.count += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.count >= self.total):
            self._last = now
            frac = min(self.count / self.total, 1.0)
            bar = "#" * int(30 * frac)
            elapsed = now - self._start
            eta = elapsed / frac - elapsed if frac > 0 else 0.0
            self.stream.write(f"\r{self.desc} [{bar:<30}] {self.count}/{self.total} {elapsed:5.1f}s eta {eta:5.1f}s")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; give the file the mode open() would
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=_default) + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
