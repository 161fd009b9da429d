"""Analysis in worker processes: module-level functions a process pool can pickle and call."""

from __future__ import annotations

import logging
import signal
from typing import Any

from bot.models import Analysis, Article
from bot.ports import ArticleAnalyzer, FetchedPageLike

log = logging.getLogger(__name__)

_ANALYZER: ArticleAnalyzer | None = None


def init_worker(analysis_settings: dict[str, Any]) -> None:
    """Process-pool initializer: load the model once per worker process."""
    global _ANALYZER
    # The parent owns shutdown: a terminal's Ctrl-C or systemd's SIGTERM to the whole group
    # must not kill a worker mid-analysis (the parent drains, then ends the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from bot.analysis import Analyzer
    from bot.analysis.subjectivity import load_default_scorer
    from bot.settings import AnalysisSettings

    _ANALYZER = Analyzer(load_default_scorer(), AnalysisSettings(**analysis_settings))


def _analyzer() -> ArticleAnalyzer:
    if _ANALYZER is None:
        raise RuntimeError("init_worker was not run in this process")
    return _ANALYZER


def analyse_page(page: FetchedPageLike) -> Analysis:
    """Extract and analyse a fetched page in this worker."""
    from bot.articles import check_language
    from bot.fetch import FetchedPage
    from bot.sources import article_from_page

    assert isinstance(page, FetchedPage)
    return _analyzer().analyze(check_language(article_from_page(page)))


def analyse_article(article: Article) -> Analysis:
    """Analyse an article read elsewhere (a local file) in this worker."""
    return _analyzer().analyze(article)


class RemoteOnly:
    """Stands in for the analyser in the main process when analyses run in worker processes."""

    def analyze(self, article: Article) -> Analysis:
        raise RuntimeError("analyses run in worker processes (service.analysis_pool = process)")
