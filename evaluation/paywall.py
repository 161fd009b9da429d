"""Count "possibly truncated or paywalled" warnings on the Zyte pages, and how many are false.

Run from the repository root: python -m evaluation.paywall [DATA_DIR]   (default ../shared/data)

A warning counts as a false positive when the extracted text is nearly as long as the annotated
body (at least NEARLY_WHOLE of its words): the page carried the article, so nothing was cut.
Beware that for a real teaser the annotated body is the teaser itself, so such a page counts as
"false" here while it is right; read the listed pages. Pages whose JSON-LD says
`isAccessibleForFree: false` ("flagged") are counted apart: metered sites flag every article.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from trafilatura.utils import load_html

from bot.decode import decode_body
from bot.errors import ExtractionError
from bot.extract import extract_article
from bot.extract_meta import read_meta

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NEARLY_WHOLE = 0.9
WARNING = "possibly truncated or paywalled"


def main(argv: list[str]) -> int:
    """Print the counts, then one line per warned or flagged page."""
    data = Path(argv[0]) if argv else DEFAULT_DATA
    folder = data / "article-extraction-benchmark"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    rows: list[tuple[str, int, int, bool, bool]] = []
    for key, entry in sorted(truth.items()):
        html = decode_body(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()), None)
        url = entry.get("url")
        flagged = read_meta(load_html(html), url).paywalled
        try:
            article = extract_article(html, url=url)
        except ExtractionError:
            continue
        warned = any(w.startswith(WARNING) for w in article.warnings)
        if warned or flagged:
            gold = len(entry["articleBody"].split())
            rows.append((key, len(article.text.split()), gold, flagged, warned))
    warned_rows = [r for r in rows if r[4]]
    false = [r for r in warned_rows if r[1] >= NEARLY_WHOLE * r[2]]
    print(f"pages: {len(truth)}; flagged isAccessibleForFree false: {sum(r[3] for r in rows)}")
    print(f"warned: {len(warned_rows)}, of them flagged: {sum(r[3] for r in warned_rows)}")
    print(
        f"false positives (extracted >= {NEARLY_WHOLE:.0%} of the annotated body): {len(false)},"
        f" of them flagged: {sum(r[3] for r in false)}"
    )
    for key, got, gold, flagged, warned in rows:
        mark = ("FALSE" if got >= NEARLY_WHOLE * gold else "warn ") if warned else "     "
        print(f"  {mark} {key[:16]} words {got}/{gold}{'  flagged' if flagged else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
