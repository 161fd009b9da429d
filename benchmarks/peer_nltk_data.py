"""Build the NLTK Punkt data the peer tools need, offline, by training Punkt on shared news text.

sumy and newspaper4k expect NLTK's downloadable `punkt`/`punkt_tab` models, and nothing may be
downloaded here; Punkt is unsupervised, so training it on the FRANK news articles gives the
peers an equivalent English model. Only the peers use this; Unspin has its own splitter.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer


def _write_tab(params: PunktParameters, tab_dir: Path) -> None:
    # The punkt_tab text format that nltk.PunktTokenizer loads (nltk's own saver refuses
    # directories outside its data path).
    (tab_dir / "collocations.tab").write_text(
        "".join(f"{a}\t{b}\n" for a, b in sorted(params.collocations))
    )
    (tab_dir / "sent_starters.txt").write_text(
        "".join(f"{w}\n" for w in sorted(params.sent_starters))
    )
    (tab_dir / "abbrev_types.txt").write_text(
        "".join(f"{w}\n" for w in sorted(params.abbrev_types))
    )
    (tab_dir / "ortho_context.tab").write_text(
        "".join(f"{w}\t{v}\n" for w, v in sorted(params.ortho_context.items()))
    )


def build(target: Path, corpus_file: Path) -> Path:
    """Train Punkt on the corpus and write punkt_tab/english and punkt/english.pickle."""
    marker = target / "tokenizers" / "punkt_tab" / "english" / "sent_starters.txt"
    if marker.exists():
        return target
    text = "\n\n".join(
        json.loads(line)["article"] for line in corpus_file.read_text().splitlines() if line
    )
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train(text, finalize=True)
    params = trainer.get_params()
    tab_dir = target / "tokenizers" / "punkt_tab" / "english"
    tab_dir.mkdir(parents=True, exist_ok=True)
    _write_tab(params, tab_dir)
    pickle_dir = target / "tokenizers" / "punkt"
    pickle_dir.mkdir(parents=True, exist_ok=True)
    (pickle_dir / "english.pickle").write_bytes(pickle.dumps(PunktSentenceTokenizer(params)))
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
