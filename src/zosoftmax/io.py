"""Atomic file writes, JSON reading, and the stored precision of computed outputs: how results reach the disk.

A result is written to a temporary file in the target folder and renamed over the target, so a reader (or a run
interrupted mid-write) sees either the old file or the new one, never a half-written one. Used by the proofs'
claims report and the analysis scripts' cache and outputs.

A cache entry (:func:`write_entry`, :func:`read_entry`) carries its key, parameters, code fingerprint and the
SHA-256 of its result, so a truncated, corrupted or misplaced entry is told from a sound one; :func:`locked`
holds a file's lock (``filelock``), under which one process at a time writes it.
Committed outputs (``paper/generated/*.json``) pass through :func:`canonical` first: every float is stored at a
stated precision, so that the same computation on another machine (another BLAS kernel, another thread count)
writes the same bytes. The rule and its measured basis are in docs/reproducibility.md; this module is its one
implementation.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from filelock import FileLock

__all__ = [
    "LOCKS",
    "NOISE_BOUND",
    "SIGNIFICANT_DIGITS",
    "Precision",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "canonical",
    "digest",
    "locked",
    "read_entry",
    "read_json",
    "write_entry",
]

LOCKS = ".locks"  # the lock files (one per locked file, never deleted: see locked) live in DIR/.locks/
# The stored precision of a computed float: 6 significant digits (a relative quantum between 5e-7 and 5e-6). The
# figures and the report read at most 4 (a ratio printed as 0.985, a slope as +0.003); the relative difference
# between BLAS kernels (OpenBLAS Haswell / SkylakeX / Sandybridge / Prescott, 1 or 2 threads) measured on every
# figure's outputs is at most NOISE_BOUND outside the quantities that a figure's PRECISION names
# (docs/reproducibility.md).
SIGNIFICANT_DIGITS = 6
# The relative noise the rule is built for: a value x and x * (1 + delta), |delta| <= NOISE_BOUND, store the same
# bytes unless a rounding boundary lies between them: for x = m 10^e that has probability |delta| m 10^(DIGITS-1),
# 5.5e-4 for a mantissa m uniform in [1, 10) (one value in 1800), at most 1e-3.
NOISE_BOUND = 1e-9


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
    """Write ``obj`` as indented JSON to ``path`` atomically; NumPy arrays and scalars become lists and numbers.

    Floats are written as computed (a cache entry must round-trip exactly); pass ``canonical(obj)`` for an output
    that is committed.
    """
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=_default) + "\n")


@dataclass(frozen=True)
class Precision:
    """How one computed quantity is stored: ``digits`` significant digits, after rounding to ``quantum`` if given.

    Parameters
    ----------
    digits : int >= 1
        Significant decimal digits kept.
    quantum : float, optional
        An absolute quantum, a power of ten (``1e-12``): the value is first rounded to a multiple of it. For a
        quantity whose rounding noise is relative to something larger than itself (a gap ``L - L*`` near 1e-19,
        a residual norm near 1e-15, a slope that is 0 in exact arithmetic): its noise is absolute, of the order
        of ``u`` times the scale of its operands, and the quantum states that scale.

    Notes
    -----
    Reproducibility of the committed outputs (no claim; docs/reproducibility.md).
    """

    digits: int = SIGNIFICANT_DIGITS
    quantum: float | None = None

    def __post_init__(self) -> None:
        """Validate ``digits`` and ``quantum``."""
        if isinstance(self.digits, bool) or not isinstance(self.digits, int) or not 1 <= self.digits <= 17:
            raise ValueError(f"digits must be an int in [1, 17], got {self.digits!r}")
        if self.quantum is not None:
            q = self.quantum
            if isinstance(q, bool) or not isinstance(q, (int, float)) or not math.isfinite(q) or q <= 0 or \
                    Decimal(repr(float(q))).normalize().as_tuple().digits != (1,):
                raise ValueError(f"quantum must be a positive power of ten (1e-12), got {q!r}")

    def round(self, x: float) -> float:
        """``x`` at this precision: correctly rounded (half to even), the same on every machine; -0.0 becomes 0.0."""
        if not math.isfinite(x):
            return x
        if self.quantum is not None and abs(x) < self.quantum * 10.0**self.digits:  # else the digits are coarser
            x = float(Decimal(x).quantize(Decimal(repr(float(self.quantum))), rounding=ROUND_HALF_EVEN))
        return float(f"{x:.{self.digits - 1}e}") + 0.0  # str formatting rounds correctly; + 0.0 folds -0.0


def canonical(obj: Any, precision: Mapping[str, Precision] | None = None, *, _path: str = "") -> Any:
    r"""``obj`` with every float stored at its stated precision: what a committed output holds.

    Parameters
    ----------
    obj : JSON-able data
        Dicts, lists, tuples, strings, ints, bools, None, floats; NumPy arrays and scalars are converted.
    precision : mapping of str to Precision, optional
        Overrides by path: the dict keys from the top, joined by ``.``, list positions left out
        (``"far.points.se"``), matched with :func:`fnmatch.fnmatchcase` (``"*.newton_grad_norm"``); the first
        matching pattern wins. Every other float gets :data:`SIGNIFICANT_DIGITS` significant digits.

    Returns
    -------
    The same structure (tuples become lists), floats rounded by :meth:`Precision.round`. Exact results stay
    exact: ints, bools, strings (rationals and symbolic expressions are strings) and None are untouched.

    Notes
    -----
    Reproducibility of the committed outputs (no claim). The rule, in docs/reproducibility.md: a float ``x`` is
    stored as :math:`\operatorname{round}_{s}(x)` with :math:`s` significant digits (after rounding to the
    quantum where one is stated), NaN and infinities as they are. Idempotent: ``canonical(canonical(x)) ==
    canonical(x)``.
    """
    if isinstance(obj, Mapping):
        return {k: canonical(v, precision, _path=f"{_path}.{k}" if _path else str(k)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [canonical(v, precision, _path=_path) for v in obj]
    if isinstance(obj, (bool, int, str)) or obj is None:
        return obj
    if isinstance(obj, float):
        return _precision_at(_path, precision).round(obj)
    return canonical(_default(obj), precision, _path=_path)  # NumPy arrays and scalars


def _precision_at(path: str, precision: Mapping[str, Precision] | None) -> Precision:
    for pattern, rule in (precision or {}).items():
        if fnmatchcase(path, pattern):
            return rule
    return _DEFAULT


_DEFAULT = Precision()


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
