"""Atomic file writes and JSON reading: how every result of a long run reaches the disk.

A result is written to a temporary file in the target folder and renamed over the target, so a reader (or a run
interrupted mid-write) sees either the old file or the new one, never a half-written one. Used by the proofs'
claims report and the analysis scripts' cache and outputs.

A cache entry (:func:`write_entry`, :func:`read_entry`) carries its key, parameters, code fingerprint and the
SHA-256 of its result, so a truncated, corrupted or misplaced entry is told from a sound one; :func:`locked`
holds a file's lock (``filelock``), under which one process at a time writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

__all__ = ["LOCKS", "atomic_write_bytes", "atomic_write_json", "atomic_write_text", "digest", "locked", "read_entry",
           "read_json", "write_entry"]

LOCKS = ".locks"  # the lock files (one per locked file, never deleted: see locked) live in DIR/.locks/


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name opened with O_EXCL and mode 0o666: the process umask applies as for open(), without reading or
    # changing it (os.umask is process-wide state).
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (:func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically; NumPy arrays and scalars become lists and numbers."""
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=_default) + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Parse the UTF-8 JSON file at ``path``."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def digest(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (sorted keys, no spaces): the checksum a cache entry stores."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _canonical_params(params: dict[str, Any]) -> Any:
    """The task parameters as a cache entry stores them (their JSON round trip; non-JSON values as ``str``)."""
    return json.loads(json.dumps(params, sort_keys=True, default=str))


def write_entry(path: str | os.PathLike[str], key: str, params: dict[str, Any], fingerprint: str,
                result: Any) -> None:
    """Write a cache entry atomically: ``{"key", "params", "code", "sha256", "result"}``.

    ``sha256`` is :func:`digest` of ``result``, so :func:`read_entry` can tell a damaged entry from a sound one.
    Call it under the entry's lock (:func:`locked`), as ``analysis._common.Runner`` and ``proofs._search`` do.
    """
    entry = {"key": key, "params": _canonical_params(params), "code": fingerprint, "sha256": digest(result),
             "result": result}
    atomic_write_text(path, json.dumps(entry, separators=(",", ":")) + "\n")  # exactly the digested values


def read_entry(path: str | os.PathLike[str], key: str, params: dict[str, Any],
               fingerprint: str) -> tuple[bool, Any, str | None]:
    """Read and check the cache entry at ``path``: ``(True, result, None)`` only for a sound entry.

    An absent entry gives ``(False, None, None)``; any other failure ``(False, None, problem)``, ``problem`` a
    phrase for the log: not UTF-8 JSON (truncated, overwritten), not an entry (an older format), another
    entry's key, parameters or code, or a result whose checksum does not match (a changed byte).
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return False, None, None
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return False, None, f"is not JSON ({len(raw)} bytes; {type(exc).__name__}: {exc})"
    if not isinstance(entry, dict) or set(entry) != {"key", "params", "code", "sha256", "result"}:
        return False, None, "is not a cache entry (fields key, params, code, sha256, result)"
    if (entry["key"], entry["params"], entry["code"]) != (key, _canonical_params(params), fingerprint):
        return False, None, "belongs to another key, parameters or code"
    if entry["sha256"] != digest(entry["result"]):
        return False, None, "fails its checksum"
    return True, entry["result"], None


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the lock of the file ``path`` (``DIR/.locks/NAME.lock``) and remove a killed writer's temporaries.

    Every writer of ``path`` holds this lock (a ``filelock`` lock: ``flock`` on POSIX, released by the operating
    system when its process dies, so a killed run leaves no stale lock). Under it, no other process is writing
    ``path``, so a temporary file of ``path`` (:func:`atomic_write_bytes` names them
    ``.NAME.*.tmp``) is a leftover of a writer that was killed, and is removed. Lock files stay: deleting one
    while another process waits on it would let two holders in.
    """
    path = Path(path)
    (path.parent / LOCKS).mkdir(parents=True, exist_ok=True)
    with FileLock(path.parent / LOCKS / f"{path.name}.lock"):
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        yield
