"""The service's HTTP server: /healthz (store reachable, adapters connected) and /metrics."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ports import Adapter
from bot.settings import ServiceSettings

if TYPE_CHECKING:
    from bot.runtime import Services

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HttpServer:
    """A running health/metrics server; `close` it once."""

    runner: web.AppRunner
    port: int

    async def close(self) -> None:
        """Stop accepting and close connections."""
        await self.runner.cleanup()


def build_app(services: Services, adapters: Mapping[str, Adapter]) -> web.Application:
    """The aiohttp application serving /healthz and /metrics."""

    async def healthz(request: web.Request) -> web.Response:
        store_ok = await services.store.ping()
        connected = {name: a.connected for name, a in adapters.items()}
        accepting = services.supervisor.accepting
        ok = store_ok and all(connected.values()) and accepting
        body = {
            "status": "ok" if ok else "unavailable",
            "store": store_ok,
            "adapters": connected,
            "accepting": accepting,
            "pending": services.supervisor.pending,
        }
        return web.Response(
            status=200 if ok else 503, text=json.dumps(body), content_type="application/json"
        )

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(
            body=services.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    for adapter in adapters.values():
        # Adapters in HTTP mode (Slack) receive the platform's requests on this same server.
        add_routes = getattr(adapter, "add_routes", None)
        if add_routes is not None:
            add_routes(app)
    return app


async def start_http(
    settings: ServiceSettings, services: Services, adapters: Mapping[str, Adapter]
) -> HttpServer:
    """Start the server on service.host:service.port (port 0 picks a free one)."""
    runner = web.AppRunner(build_app(services, adapters), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    addresses = runner.addresses
    port = int(addresses[0][1]) if addresses else settings.port
    log.info("health and metrics on http://%s:%d/healthz and /metrics", settings.host, port)
    return HttpServer(runner, port)
