r"""Softmax-regression instances built from scikit-learn's bundled data sets (no network access).

``load_instance(name)`` turns a labelled table :math:`(X, y)` into :math:`(A, b, w)`:

* :math:`A = Z/\sqrt{d}` with :math:`Z` the standardized features (each column centred and divided by its standard
  deviation; a constant column, such as digits' always-blank border pixels, becomes zero, so ``A`` is
  rank-deficient). Standardized rows have mean squared norm :math:`d`, so the rows of ``A`` have mean squared norm
  1 (a unit ``x`` gives logits of order 1) and :math:`\|A\|_2^2 = n\,\lambda_{\max}(\mathrm{corr}(X))/d`:
  :math:`\|A\|_2` = 14.4 (digits, rank 61 of 64), 15.9 (breast_cancer), 8.0 (wine), 10.5 (iris) for ``scale=1``.
* :math:`b` the uniform attention over the rows of one class: :math:`b_i = 1/n_c` if :math:`y_i = c`, else 0
  (a point of the simplex, :math:`\|b\|_2 = n_c^{-1/2} \le 1`).
* :math:`w_i = w` for every row (default 0.6, the setting of issue 13: :math:`w^2 > \beta^-` so C5 gives a
  strong-convexity constant, but a tiny one against :math:`\ell`).

scikit-learn is the optional extra ``zosoftmax[data]``; the data ship inside it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _checks
from .problem import SoftmaxRegression

__all__ = ["DATASETS", "load_instance"]

DATASETS = ("digits", "breast_cancer", "wine", "iris")  # n x d: 1797 x 64, 569 x 30, 178 x 13, 150 x 4


def _table(name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        from sklearn import datasets
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching sys.modules in the tests
        raise ImportError("zosoftmax.load_instance needs scikit-learn (its bundled data sets): "
                          "pip install 'zosoftmax[data]' (or scikit-learn>=1.3)") from exc
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return np.asarray(X, dtype=np.float64), np.asarray(y)


def load_instance(name: str, *, target_class: int = 0, w: float | None = 0.6, scale: float = 1.0,
                  dtype: Any = "float64") -> SoftmaxRegression:
    r"""A :class:`SoftmaxRegression` from one of scikit-learn's bundled data sets.

    Parameters
    ----------
    name : {"digits", "breast_cancer", "wine", "iris"}
    target_class : int
        The class whose rows the target attends to uniformly (digits 0-9, breast_cancer 0-1, wine and iris 0-2).
    w : float >= 0 or None
        The regularization weight of every row; ``None`` (or 0): no regularizer.
    scale : float > 0
        Multiplies ``A``.
    dtype : {"float64", "float32"}

    Returns
    -------
    SoftmaxRegression
        .. math:: A = \mathrm{scale}\cdot Z/\sqrt d, \quad Z_{ij} = \frac{X_{ij} - \bar X_j}{\mathrm{sd}_j}
                  \ (0 \text{ if } \mathrm{sd}_j = 0), \qquad b_i = \frac{[y_i = c]}{\#\{i : y_i = c\}},
                  \qquad w_i = w

    Raises
    ------
    ImportError
        When scikit-learn is not installed (``pip install 'zosoftmax[data]'``).

    Notes
    -----
    C13 (real data for the exact learning curve). Deterministic: the data sets are bundled files, nothing is drawn.
    """
    name = _checks.choice(name, "name", DATASETS)
    scale = _checks.positive_float(scale, "scale")
    if w is not None and (isinstance(w, bool) or not isinstance(w, (int, float, np.floating, np.integer))
                          or not math.isfinite(w) or w < 0):
        raise ValueError(f"w must be a finite number >= 0 or None, got {w!r}")
    X, y = _table(name)
    classes = np.unique(y)
    if isinstance(target_class, bool) or not isinstance(target_class, (int, np.integer)) or target_class not in classes:
        raise ValueError(f"target_class must be one of the classes of {name!r}, {classes.tolist()}; "
                         f"got {target_class!r}")
    n, d = X.shape
    sd = X.std(axis=0)
    Z = np.zeros_like(X)
    varying = sd > 0
    Z[:, varying] = (X[:, varying] - X[:, varying].mean(axis=0)) / sd[varying]  # standardized; constant columns 0
    A = scale * Z / math.sqrt(d)  # rows of mean squared norm scale²
    member = y == target_class
    b = member / np.count_nonzero(member)  # uniform attention over one class's rows
    weights = None if w is None or w == 0 else np.full(n, float(w))
    return SoftmaxRegression(A, b, weights, dtype=dtype)
