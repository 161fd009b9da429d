"""Combine the exported encoder and the lexical model, calibrate on dev, write scorer.json.

Runs the int8 ONNX model exactly as the runtime does, so the threshold and calibration fit what
ships. Dev is used for three numbers only: the lexical weight, two Platt parameters, the threshold.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from training.common import (
    MODEL_DIR,
    SEED,
    best_threshold,
    fit_platt,
    macro_f1,
    read_checkthat,
    reliability,
    runtime_module,
)

rt = runtime_module()
LEX_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def cross_fitted(y: np.ndarray, z: np.ndarray, threshold: float) -> None:
    """Reliability when Platt is fitted on one half of dev and applied to the other half."""
    rng = np.random.default_rng(SEED)
    half = rng.permutation(len(y)) < len(y) // 2
    p = np.zeros(len(y))
    for fit_on in (half, ~half):
        a, b = fit_platt(z[fit_on], y[fit_on])
        p[~fit_on] = 1 / (1 + np.exp(-(a * z[~fit_on] + b)))
    print("cross-fitted reliability (Platt fitted on the other half of dev):")
    for lo, hi, n, conf, acc in reliability(y, p, threshold):
        print(f"  conf [{lo:.1f},{hi:.1f}) n={n:3d} mean conf {conf:.3f} accuracy {acc:.3f}")


def main() -> None:
    """Pick the lexical weight on dev, fit Platt and the threshold, write scorer.json."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lexical-weight", type=float, default=None, help="skip the search")
    ap.add_argument("--dir", type=Path, default=MODEL_DIR, help="folder of the exported encoder")
    args = ap.parse_args()
    model_dir: Path = args.dir
    texts, y = read_checkthat("dev")
    enc_cfg = json.loads((model_dir / "encoder.json").read_text(encoding="utf-8"))
    encoder = rt.EncoderModel(
        model_dir / "encoder.onnx", model_dir / "tokenizer.json", int(enc_cfg["max_tokens"])
    )
    lexical = rt.LexicalModel.from_json(
        json.loads((MODEL_DIR / rt.LEXICAL_FILE).read_text(encoding="utf-8"))
    )
    ze = encoder.logits(texts).astype(np.float64)
    zl = lexical.logits(texts).astype(np.float64)
    print(f"int8 encoder alone: dev macro-F1 at logit 0 {macro_f1(y, (ze >= 0).astype(int)):.3f}")
    results = []
    weights = LEX_WEIGHTS if args.lexical_weight is None else (args.lexical_weight,)
    for w in weights:
        z = ze + w * zl
        a, b = fit_platt(z, y)
        t, f = best_threshold(y, 1 / (1 + np.exp(-(a * z + b))))
        print(f"lexical weight {w:.2f}: dev macro-F1 {f:.3f} at threshold {t:.2f}")
        results.append((f, -w, w, a, b, t))
    # Ties go to the smaller lexical weight: the simpler model.
    f, _, w, a, b, t = max(results)
    # Move the chosen threshold to p = 0.5 (a shift of logit(t), small when t is near 0.5), so a
    # SUBJ decision never carries a confidence below one half.
    b -= math.log(t / (1 - t))
    t = 0.5
    z = ze + w * zl
    p = 1 / (1 + np.exp(-(a * z + b)))
    f = macro_f1(y, (p >= t).astype(int))
    print(f"chosen lexical weight {w:.2f}: dev macro-F1 {f:.3f} at threshold {t:.2f}")
    for lo, hi, n, conf, acc in reliability(y, p, t):
        print(f"  conf [{lo:.1f},{hi:.1f}) n={n:3d} mean conf {conf:.3f} accuracy {acc:.3f}")
    cross_fitted(y, z, t)
    config = {
        "weights": {"encoder": 1.0, "lexical": w},
        "max_tokens": int(enc_cfg["max_tokens"]),
        "calibration": {"a": a, "b": b},
        "threshold": t,
        "dev_macro_f1": round(f, 4),
    }
    (model_dir / rt.SCORER_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {model_dir / rt.SCORER_FILE}")


if __name__ == "__main__":
    main()
