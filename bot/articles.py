"""Analyses of links: from the cache, joined while in flight, or fetched and analysed once."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot import links
from bot.bounded import BoundedMap
from bot.errors import ExtractionError
from bot.metrics import Metrics
from bot.models import Analysis, Article
from bot.ports import ArticleAnalyzer, BotStore, FetchedPageLike, Fetcher
from bot.revive import StaleCache, analysis_from_json
from bot.serialize import analysis_to_json
from bot.tasks import Supervisor

log = logging.getLogger(__name__)

KEY_PREFIX = "key:"
# In-process card keys remembered; older ones are looked up in the store again.
KEYS_KEPT = 50_000
# The analysis rules (cue words, attribution, forecasts) are written for English only.
SUPPORTED_LANGUAGES = ("en",)
_NAMES = {
    "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish", "ru": "Russian",
    "uk": "Ukrainian", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese",
}  # fmt: skip


class UnsupportedLanguage(ExtractionError):
    """The article is in a language the analysis cannot read yet."""


def check_language(article: Article) -> Article:
    """The article itself, or UnsupportedLanguage when it is not in English."""
    code = (article.language or "en").lower().split("-")[0]
    if code not in SUPPORTED_LANGUAGES:
        name = _NAMES.get(code, f"a language I read as '{code}'")
        raise UnsupportedLanguage(
            f"That article is in {name}; I can only summarise English articles so far."
        )
    return article


@dataclass(frozen=True, slots=True)
class RemoteAnalysis:
    """Module-level functions for a process pool (bot.workers), instead of the local analyser."""

    analyse_page: Callable[[FetchedPageLike], Analysis]
    analyse_article: Callable[[Article], Analysis]


class ArticleService:
    """Turns a normalised link into its Analysis, at most one fetch per link at a time."""

    def __init__(
        self,
        *,
        store: BotStore,
        fetcher: Fetcher,
        analyzer: ArticleAnalyzer,
        extract: Callable[[FetchedPageLike], Article],
        supervisor: Supervisor,
        metrics: Metrics,
        monotonic: Callable[[], float] = time.monotonic,
        recent_size: int = 256,
        recent_ttl_s: float = 3600.0,
        remote: RemoteAnalysis | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.analyzer = analyzer
        self.extract = extract
        self.supervisor = supervisor
        self.metrics = metrics
        self._monotonic = monotonic
        # Card key -> link; forgotten keys are found again through the alias in the store.
        self._keys: BoundedMap[str, str] = BoundedMap(KEYS_KEPT)
        self.remote = remote
        # Recently used analyses: a popular link's next card needs no database read or decode.
        self._recent: OrderedDict[str, tuple[float, Analysis]] = OrderedDict()
        self.recent_size = recent_size
        self.recent_ttl_s = recent_ttl_s

    def url_for_key(self, key: str) -> str | None:
        """The link behind a card key, when this process has seen it."""
        return self._keys.get(key)

    def is_warm(self, url: str) -> bool:
        """True when an answer for `url` needs no new work: recently analysed or in flight."""
        hit = self._recent.get(url)
        return (hit is not None and hit[0] > self._monotonic()) or self.supervisor.in_flight(url)

    async def analysis_for_url(self, url: str) -> Analysis:
        """The analysis of a normalised link; raises FetchError, ExtractionError or Busy."""
        self._keys[links.link_key(url)] = url
        hit = self._recent.get(url)
        if hit is not None and hit[0] > self._monotonic():
            self._recent.move_to_end(url)
            self.metrics.cache_hits.inc()
            return hit[1]
        analysis = await self.supervisor.run(url, lambda: self._load(url))
        self._remember(url, analysis)
        return analysis

    def _remember(self, url: str, analysis: Analysis) -> None:
        if self.recent_size <= 0:
            return
        self._recent[url] = (self._monotonic() + self.recent_ttl_s, analysis)
        self._recent.move_to_end(url)
        while len(self._recent) > self.recent_size:
            self._recent.popitem(last=False)

    async def analysis_for_key(self, key: str) -> Analysis | None:
        """The analysis behind a card's key (from a button), or None once it has expired."""
        url = self._keys.get(key)
        if url is None:
            # Buttons outlive the process: the key -> link alias is stored with the analysis.
            alias = await self.store.get_analysis(KEY_PREFIX + key)
            url = str(alias["url"]) if alias and "url" in alias else None
        if url is None:
            return None
        return await self.analysis_for_url(url)

    async def analysis_for_article(self, source: str, article: Article) -> Analysis:
        """Analyse an article read by the adapter and cache it under `source` like a link."""
        check_language(article)
        self._keys[links.link_key(source)] = source

        async def work() -> Analysis:
            if self.remote is not None:
                analysis = await self.supervisor.run_cpu(self.remote.analyse_article, article)
            else:
                analysis = await self.supervisor.run_cpu(self.analyzer.analyze, article)
            self.metrics.analyses.inc()
            await self._save(source, analysis)
            return analysis

        return await self.supervisor.run(source, work)

    async def _save(self, url: str, analysis: Analysis) -> None:
        await self.store.save_analysis(url, analysis_to_json(analysis))
        await self.store.save_analysis(KEY_PREFIX + links.link_key(url), {"url": url})

    async def _load(self, url: str) -> Analysis:
        payload = await self.store.get_analysis(url)
        if payload is not None:
            try:
                analysis = analysis_from_json(payload)
            except StaleCache as error:
                log.info("re-analysing %s: %s", url, error)
            else:
                self.metrics.cache_hits.inc()
                return analysis
        async with self.supervisor.fetch_slot():
            page = await self.fetcher.fetch(url)
        started = self._monotonic()
        if self.remote is not None:
            analysis = await self.supervisor.run_cpu(self.remote.analyse_page, page)
        else:
            analysis = await self.supervisor.run_cpu(self._analyse_page, page)
        self.metrics.analysis_seconds.observe(self._monotonic() - started)
        self.metrics.analyses.inc()
        await self._save(url, analysis)
        return analysis

    def _analyse_page(self, page: FetchedPageLike) -> Analysis:
        return self.analyzer.analyze(check_language(self.extract(page)))
