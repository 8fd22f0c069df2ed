r"""A head's attention probabilities computed through the model's own torch modules, for autograd comparisons.

:func:`attention_probs` runs the layer's self-attention module of the loaded model itself (its query ``Linear``, its
key projection, its scaling, its softmax: whatever transformers' eager attention does), with only the head's rows of
the query weight and bias replaced by the columns of a torch float64 :math:`\tilde W` that may require grad. So
``torch.autograd`` gives gradients and Hessian-vector products of any loss of these probabilities that owe nothing to
zosoftmax's formulas: the independent side of issue 18's derivative check.

Needs the extra (torch, transformers); import it only after ``pytest.importorskip``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.func import functional_call

from zosoftmax.attention import LoadedModel, ModelForward

__all__ = ["attention_probs"]


def attention_probs(loaded: LoadedModel, forward: ModelForward, layer: int, head: int,
                    Wt: torch.Tensor) -> torch.Tensor:
    r"""The (m, n) attention probabilities of head ``head`` of layer ``layer`` with query weights ``Wt``.

    Parameters
    ----------
    loaded : LoadedModel
        The model ``forward`` was computed with.
    forward : ModelForward
        Supplies the hidden states entering ``layer`` (the model's own, from its float64 forward).
    layer, head : int
    Wt : torch.Tensor (d_head, D + 1), float64
        :math:`\tilde W = [W_Q \mid b_Q]` of the head; may require grad.

    Returns
    -------
    torch.Tensor (m, n)
        Row i: the softmax over keys of query i, as the layer's own self-attention module computes it with the query
        weight rows ``head * d_head : (head + 1) * d_head`` set to ``Wt[:, :D]`` and the bias to ``Wt[:, D]``.

    Notes
    -----
    Issue 18 (gradient and Hessian against torch autograd). Every other head keeps its pretrained weights; only this
    head's probabilities are returned. ``torch.func.functional_call`` swaps the parameters for this call only, so the
    model is left as it was.
    """
    self_attn: Any = loaded.module.encoder.layer[layer].attention.self
    D = forward.d_model
    rows = slice(head * forward.d_head, (head + 1) * forward.d_head)
    weight = self_attn.query.weight.detach().clone()
    bias = self_attn.query.bias.detach().clone()
    # Out-of-place row replacement keeps the graph from Wt to the parameters the module will use.
    weight = torch.cat([weight[: rows.start], Wt[:, :D], weight[rows.stop:]], dim=0)
    bias = torch.cat([bias[: rows.start], Wt[:, D], bias[rows.stop:]], dim=0)
    hidden = torch.from_numpy(forward.hidden_states[layer].copy())[None]  # (1, m, D), float64
    out = functional_call(self_attn, {"query.weight": weight, "query.bias": bias}, (hidden,),
                          {"output_attentions": True})
    probs: torch.Tensor = out[1][0, head]  # (batch, heads, m, n) -> (m, n)
    return probs
