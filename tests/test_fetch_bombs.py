"""Plan case 28: decompression bombs stop at the cap on the decompressed side, with flat memory."""

from __future__ import annotations

import asyncio
import gzip
import struct
import time
import zlib
from functools import cache

import brotli
import pytest
import zstandard
from fetch_support import PeakRss, RawServer, rig, settings_for

from bot.errors import TooLarge
from bot.fetch_body import CappedBuffer, build_decoder

MIB = 1 << 20
GIB_BLOCKS = 1024  # 1 GiB of zeros, built from 1 MiB blocks


@cache
def _zeros_deflate_raw() -> tuple[bytes, int, int]:
    """Raw deflate of 1 GiB of zeros, with its CRC-32 and Adler-32, built in well under a second."""
    block = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # After a full flush the compressor's state is reset, so every block compresses identically.
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc, adler = 0, 1
    for _ in range(GIB_BLOCKS):
        crc = zlib.crc32(block, crc)
        adler = zlib.adler32(block, adler)
    return piece * GIB_BLOCKS + compressor.flush(), crc, adler


@cache
def bomb(kind: str) -> bytes:
    """A body that expands to about 1 GiB (or, for gzip-members, 2,000 small gzip members)."""
    if kind in ("gzip", "deflate", "deflate-raw"):
        raw, crc, adler = _zeros_deflate_raw()
        if kind == "gzip":
            return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + raw + struct.pack("<II", crc, 0)
        if kind == "deflate":
            return b"\x78\xda" + raw + struct.pack(">I", adler)
        return raw
    if kind == "br":
        compressor = brotli.Compressor(quality=1)
        block = bytes(MIB)
        return b"".join(compressor.process(block) for _ in range(GIB_BLOCKS)) + compressor.finish()
    if kind == "zstd":
        compressor = zstandard.ZstdCompressor(level=1).compressobj()
        block = bytes(MIB)
        return b"".join(compressor.compress(block) for _ in range(GIB_BLOCKS)) + compressor.flush()
    if kind == "gzip-members":
        member = gzip.compress(b"<p>" + b"m" * 2000 + b"</p>\n")
        return member * 2000
    raise ValueError(kind)


ENCODING = {
    "gzip": "gzip",
    "deflate": "deflate",
    "deflate-raw": "deflate",
    "br": "br",
    "zstd": "zstd",
    "gzip-members": "gzip",
}


@pytest.mark.parametrize("kind", list(ENCODING))
async def test_decompression_bomb_stops_at_the_cap(kind: str) -> None:
    """Each bomb is aborted at 2 MiB decompressed; peak RSS grows < 20 MiB; CPU time < 2 s."""
    body = bomb(kind)
    assert len(body) < 2 * MIB  # small on the wire: the Content-Length check cannot catch it

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            f"Content-Encoding: {ENCODING[kind]}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()

    async with RawServer(serve) as server, rig(settings_for(server.port)) as r:
        cpu = time.process_time()
        async with PeakRss() as rss:
            with pytest.raises(TooLarge, match="larger than 2 MiB"):
                await r.fetcher.fetch(f"http://127.0.0.1:{server.port}/")
        cpu = time.process_time() - cpu
    assert rss.growth_mib < 20
    assert cpu < 2.0


async def test_memory_meter_can_see_growth() -> None:
    """Control: the peak-RSS meter registers a 40 MiB allocation, so its bound means something."""
    async with PeakRss() as rss:
        blob = bytearray(40 * MIB)
        blob[::4096] = b"x" * len(blob[::4096])
        await asyncio.sleep(0.01)
        del blob
    assert rss.growth_mib > 30


@pytest.mark.parametrize("kind", ["gzip", "deflate", "deflate-raw", "br", "zstd"])
def test_decoder_emits_bounded_pieces(kind: str) -> None:
    """No single write to the sink is larger than one step, whatever the compression ratio."""
    sizes: list[int] = []

    class Recorder:
        def write(self, data: bytes) -> None:
            sizes.append(len(data))
            if sum(sizes) > 4 * MIB:
                raise TooLarge("stop")

    decoder = build_decoder(ENCODING[kind], Recorder())
    with pytest.raises(TooLarge):
        decoder.write(bomb(kind)[: 256 * 1024])
    assert max(sizes) <= 128 * 1024


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd", "identity", ""])
def test_small_bodies_decode_exactly(coding: str) -> None:
    """Ordinary compressed pages come back byte for byte, fed in awkward small chunks."""
    page = (
        "<html><body>" + "<p>Some words, and some more words.</p>" * 500 + "</body></html>"
    ).encode()
    encoded = {
        "gzip": gzip.compress(page),
        "deflate": zlib.compress(page),
        "br": brotli.compress(page),
        "zstd": zstandard.ZstdCompressor().compress(page),
    }.get(coding, page)
    buffer = CappedBuffer(2 * MIB, "2 MiB")
    decoder = build_decoder(coding, buffer)
    for start in range(0, len(encoded), 7):
        decoder.write(encoded[start : start + 7])
    decoder.finish()
    assert buffer.getvalue() == page


def test_concatenated_gzip_members_all_decode() -> None:
    """A body of several gzip members decodes to all of them in order, not just the first."""
    buffer = CappedBuffer(MIB, "1 MiB")
    decoder = build_decoder("gzip", buffer)
    decoder.write(gzip.compress(b"one ") + gzip.compress(b"two ") + gzip.compress(b"three"))
    decoder.finish()
    assert buffer.getvalue() == b"one two three"


def test_stacked_encodings_are_undone_in_reverse_order() -> None:
    """Content-Encoding "gzip, br" means gzip first then brotli, so brotli is undone first."""
    buffer = CappedBuffer(MIB, "1 MiB")
    decoder = build_decoder("gzip, br", buffer)
    decoder.write(brotli.compress(gzip.compress(b"<p>layered</p>")))
    decoder.finish()
    assert buffer.getvalue() == b"<p>layered</p>"
