"""Pure: find, normalise and dedupe article links in chat message text."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

log = logging.getLogger(__name__)

DEFAULT_MAX_LINKS = 3

# Slack wraps links as <url> or <url|label>; Discord users write <url> to suppress embeds.
_ANGLE = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>", re.I)
_MARKDOWN = re.compile(r"\[[^\]]*\]\((https?://[^)\s]+)\)", re.I)
_BARE = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_TRAILING = ".,;:!?'\"*_~"
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say where a click came from; dropping them lets repeats match.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
        "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "cmpid", "ncid", "ocid", "ref_src",
        "ref_url", "smid", "sref", "share_id", "at_medium", "at_campaign", "spm", "si",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "at_")

# Files and hosts that are not articles: the bot stays quiet on them rather than failing loudly.
_MEDIA_SUFFIXES = frozenset(
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico", ".tif",
        ".tiff", ".heic", ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".mp3", ".m4a",
        ".ogg", ".wav", ".flac", ".zip", ".gz", ".tar", ".exe", ".dmg", ".apk", ".pdf",
        ".iso", ".woff", ".woff2", ".ttf", ".css", ".js", ".json",
    }
)  # fmt: skip
_NON_ARTICLE_HOSTS = frozenset(
    {
        "youtube.com", "youtu.be", "vimeo.com", "twitch.tv", "tiktok.com", "instagram.com",
        "twitter.com", "x.com", "t.co", "facebook.com", "fb.watch", "threads.net", "bsky.app",
        "giphy.com", "tenor.com", "imgur.com", "i.redd.it", "v.redd.it", "gfycat.com",
        "discord.com", "discord.gg", "discordapp.com", "discordapp.net", "slack.com",
        "spotify.com", "soundcloud.com", "music.apple.com", "podcasts.apple.com", "t.me",
        "maps.google.com", "meet.google.com", "zoom.us", "docs.google.com", "drive.google.com",
        "dropbox.com", "github.com", "gist.github.com", "pastebin.com", "flickr.com",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkScan:
    """The links of one message: articles to answer, extras skipped, non-articles ignored."""

    articles: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


def _strip_trailing(url: str) -> str:
    # A link at the end of a sentence or inside parentheses keeps its own balanced parens only.
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


def find_links(text: str) -> list[str]:
    """Every http(s) link in `text` in order of appearance, markup unwrapped, not normalised."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ANGLE, _MARKDOWN):
        for match in pattern.finditer(text):
            found.append((match.start(), match.group(1)))
            taken.append(match.span())
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        url = _strip_trailing(match.group(0))
        if url:
            found.append((match.start(), url))
    return [url.replace("&amp;", "&") for _, url in sorted(found)]


def _is_tracking(name: str) -> bool:
    lower = name.lower()
    return lower in _TRACKING_EXACT or lower.startswith(_TRACKING_PREFIXES)


def normalise(url: str) -> str | None:
    """The canonical form used to dedupe and cache: None when `url` is not a usable http(s) link.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and an empty
    query, and gives an empty path as "/". Other parameters keep their order (it can matter).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(pairs, doseq=True) if pairs else ""
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """The lower-case host name of a link ("" when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def domain_matches(host: str, domains: Iterable[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one (a.example.com ~ example.com)."""
    host = host.lower().rstrip(".")
    for domain in domains:
        d = domain.lower().strip().lstrip(".").rstrip(".")
        if d and (host == d or host.endswith("." + d)):
            return True
    return False


def looks_like_article(url: str) -> bool:
    """False for links that are obviously not articles: media files and social/video hosts."""
    host = host_of(url)
    if host.startswith("www."):
        host = host[4:]
    if domain_matches(host, _NON_ARTICLE_HOSTS):
        return False
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return not (dot > path.rfind("/") and path[dot:] in _MEDIA_SUFFIXES)


def scan(text: str, *, max_links: int = DEFAULT_MAX_LINKS) -> LinkScan:
    """Find, normalise and dedupe the message's links; keep at most `max_links` articles."""
    articles: list[str] = []
    skipped: list[str] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for raw in find_links(text):
        url = normalise(raw)
        if url is None or url in seen:
            continue
        seen.add(url)
        if not looks_like_article(url):
            ignored.append(url)
        elif len(articles) < max_links:
            articles.append(url)
        else:
            skipped.append(url)
    return LinkScan(tuple(articles), tuple(skipped), tuple(ignored))


def link_key(url: str) -> str:
    """A short stable id for a normalised link, small enough for any button payload."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
