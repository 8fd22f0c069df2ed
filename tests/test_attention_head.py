r"""A pretrained head as the paper's objective (C14): exact attention, and derivatives against torch autograd.

* ``problem.attention(x_pretrained)`` is the model's own eager attention for every layer, head and query of the
  default text (max abs difference <= 1e-6; float64 forward, so the measured difference is ~1e-15);
* the self-taught head has ``L(x_pretrained) = 0`` and a zero gradient exactly (c = 0);
* at perturbed weights, the gradient and Hessian-vector products of ``L = ½ Σ_i ‖P_i − b_i‖²`` equal torch
  autograd's through the layer's own attention module (``tests/_torch_reference.py``), relative error <= 1e-10: both
  are float64 evaluations of the same function, whose relative rounding is ~1e-13 here, so 1e-10 leaves three
  orders of margin and still catches any formula error (a planted one is ~1e-1);
* bad input names the argument.

Needs the extra ``[attention]``; skipped with the reason otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformers", reason="the [attention] extra is not installed: pip install -e '.[attention]'")
pytest.importorskip("torch", reason="the [attention] extra is not installed: pip install -e '.[attention]'")

import torch

import zosoftmax as zs
from tests._torch_reference import attention_probs
from zosoftmax import attention

EXACT_ATTENTION = 1e-6  # issue 18's bound on |problem.attention(x_pre) - model's probabilities|
DERIVATIVE_RTOL = 1e-10  # issue 18's bound on the relative error of gradient and Hessian against autograd
HEADS = ((0, 0), (3, 5), (5, 11))


@pytest.fixture(scope="module")
def loaded() -> attention.LoadedModel:
    return attention.load_model()


@pytest.fixture(scope="module")
def forward(loaded) -> attention.ModelForward:
    return attention.run_model(model=loaded)


def test_problem_attention_is_the_models_attention_for_every_head(forward):
    """Every layer, head and query of the default text: the instance's softmax rows are the model's attention."""
    worst = 0.0
    for layer in range(forward.num_layers):
        for head in range(forward.num_heads):
            p, x = zs.attention_head(layer, head, model=forward)
            assert p.logit_shape == (forward.m, forward.m)
            assert p.d == forward.d_head * (forward.d_model + 1)
            worst = max(worst, float(np.max(np.abs(p.attention(x) - forward.attentions[layer, head]))))
    assert worst <= EXACT_ATTENTION


def test_the_self_taught_head_is_a_minimizer_with_zero_loss(forward):
    p, x = zs.attention_head(2, 4, model=forward)
    assert p.loss(x) == 0.0
    assert np.all(p.gradient(x) == 0.0)
    q, _ = zs.attention_head(2, 4, model=forward, teacher=(2, 5))  # distillation: another head's pattern
    assert q.loss(x) > 1e-3
    assert np.array_equal(q.b, zs.attention_head(2, 5, model=forward)[0].b)


def _torch_loss(loaded, forward, layer, head, x, b):
    Wt = torch.tensor(x.reshape(forward.d_head, forward.d_model + 1), dtype=torch.float64, requires_grad=True)
    P = attention_probs(loaded, forward, layer, head, Wt)
    return 0.5 * torch.sum((P - torch.from_numpy(np.array(b))) ** 2), Wt


@pytest.mark.parametrize(("layer", "head"), HEADS)
@pytest.mark.parametrize("teacher", [None, (1, 2)])
def test_gradient_and_hessian_agree_with_torch_autograd(loaded, forward, layer, head, teacher):
    """∇L and ∇²L v at perturbed weights equal autograd's through the model's own attention module (float64)."""
    p, x_pre = zs.attention_head(layer, head, model=forward, teacher=teacher)
    rng = np.random.default_rng(layer * 12 + head)
    v = rng.standard_normal(p.d)
    x = x_pre + 0.5 * v / np.max(np.abs(p.logits(v)))  # half a logit unit away: c != 0 in every row
    loss, Wt = _torch_loss(loaded, forward, layer, head, x, np.asarray(p.b))
    (g_t,) = torch.autograd.grad(loss, Wt, create_graph=True)
    g_torch = g_t.detach().numpy().reshape(-1)
    assert abs(p.loss(x) - loss.item()) <= DERIVATIVE_RTOL * loss.item()
    assert np.linalg.norm(p.gradient(x) - g_torch) <= DERIVATIVE_RTOL * np.linalg.norm(g_torch)
    for _ in range(3):
        u = rng.standard_normal(p.d)
        (hv_t,) = torch.autograd.grad(g_t, Wt, grad_outputs=torch.from_numpy(u.reshape(Wt.shape)),
                                      retain_graph=True)
        hv = hv_t.numpy().reshape(-1)
        assert np.linalg.norm(p.hessian_vector(x, u) - hv) <= DERIVATIVE_RTOL * np.linalg.norm(hv)


def test_the_reduced_hessian_is_autograds_hessian_on_the_head_subspace(loaded, forward):
    """The dense Hessian (C14's reduced coordinates) times z equals autograd's ∇²L v for v = embed(z)."""
    p, x_pre = zs.attention_head(0, 0, model=forward, teacher=(0, 1))
    red = p.reduce()
    x = x_pre
    H = red.problem.hessian(red.project(x))
    rng = np.random.default_rng(5)
    z = rng.standard_normal(red.problem.d)
    loss, Wt = _torch_loss(loaded, forward, 0, 0, x, np.asarray(p.b))
    (g_t,) = torch.autograd.grad(loss, Wt, create_graph=True)
    (hv_t,) = torch.autograd.grad(g_t, Wt, grad_outputs=torch.from_numpy(red.embed(z).reshape(Wt.shape)))
    hv = red.project(hv_t.numpy().reshape(-1))
    assert np.linalg.norm(H @ z - hv) <= DERIVATIVE_RTOL * np.linalg.norm(hv)


def test_a_planted_error_is_far_above_the_tolerance(loaded, forward):
    """Power: dropping the query bias column (h~ without its 1) moves the gradient by far more than 1e-10."""
    p, x_pre = zs.attention_head(1, 3, model=forward)
    x = x_pre + 0.1
    loss, Wt = _torch_loss(loaded, forward, 1, 3, x, np.asarray(p.b))
    (g_t,) = torch.autograd.grad(loss, Wt)
    g_torch = g_t.numpy().reshape(-1)
    Ht = np.array(p.queries)
    Ht[:, -1] = 0.0  # the planted bug
    wrong = zs.AttentionRegression.from_factors(Ht, p.keys, p.b, scale=p.scale)
    assert np.linalg.norm(wrong.gradient(x) - g_torch) > 1e3 * DERIVATIVE_RTOL * np.linalg.norm(g_torch)


@pytest.mark.parametrize(("kwargs", "arg"), [
    ({"layer": 6, "head": 0}, "layer"),
    ({"layer": 0, "head": 12}, "head"),
    ({"layer": 0, "head": 0, "teacher": (0, 12)}, "head"),
    ({"layer": 0, "head": 0, "teacher": 3}, "teacher"),
    ({"layer": 0, "head": 0, "text": "again"}, "text"),
])
def test_bad_head_arguments_name_the_argument(forward, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        zs.attention_head(model=forward, **kwargs)
