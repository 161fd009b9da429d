"""Prometheus metrics of the service, in a registry of their own (one per runtime)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """The counters the core and runtime update; `render` gives the /metrics text."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.links_seen = Counter("unspin_links_seen", "Article links seen in messages", registry=r)
        self.analyses = Counter("unspin_analyses", "Articles fetched and analysed", registry=r)
        self.cache_hits = Counter("unspin_cache_hits", "Analyses served from the cache", registry=r)
        self.pointers = Counter(
            "unspin_pointers", "Repeated links answered by a pointer", registry=r
        )
        self.fetch_failures = Counter(
            "unspin_fetch_failures", "Links that could not be read", ["reason"], registry=r
        )
        self.shed = Counter("unspin_shed", "Requests answered with a busy notice", registry=r)
        self.analysis_seconds = Histogram(
            "unspin_analysis_seconds",
            "Time to extract and analyse one article",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
            registry=r,
        )
        self.polls_open = Gauge("unspin_polls_open", "Polls currently open", registry=r)
        self.votes = Counter("unspin_votes", "Votes cast (including changed votes)", registry=r)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
