"""The `unspin` command line: the JSON contract, the card, exit statuses and error messages."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLE_HTML = REPO / "examples" / "transit-column.html"
LABELS = {"reported", "opinion", "prediction"}


def run_cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: bytes = b"",
) -> tuple[int, str, str]:
    """Run main() in-process with the given stdin bytes; return (status, stdout, stderr)."""
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake_stdin)
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def check_contract(doc: dict[str, Any]) -> None:
    """Assert that one analysis object follows unspin.analysis/1 and is grounded."""
    assert doc["schema"] == "unspin.analysis/1"
    assert set(doc) == {"schema", "source", "sentences", "summary", "predictions", "composition"}
    source = doc["source"]
    assert set(source) == {
        "url", "title", "site", "author", "published", "language", "words", "warnings",
    }  # fmt: skip
    assert isinstance(source["words"], int) and isinstance(source["warnings"], list)
    sentences = doc["sentences"]
    assert sentences, "an article has sentences"
    for n, s in enumerate(sentences):
        assert s["i"] == n
        assert s["label"] in LABELS
        assert 0.0 <= s["confidence"] <= 1.0
        assert isinstance(s["quoted"], bool) and isinstance(s["why"], str) and s["why"]
    by_i = {s["i"]: s for s in sentences}
    summary = doc["summary"]
    assert summary["tldr"]
    assert 1 <= len(summary["points"]) <= 5
    for key in ("points", "reported", "argued"):
        seen = [item["i"] for item in summary[key]]
        assert len(seen) == len(set(seen)), f"{key} repeats a sentence"
        for item in summary[key]:
            assert item["text"] == by_i[item["i"]]["text"], "summary items are grounded"
    assert all(by_i[item["i"]]["label"] == "reported" for item in summary["reported"])
    assert all(by_i[item["i"]]["label"] != "reported" for item in summary["argued"])
    for p in doc["predictions"]:
        assert p["i"] in by_i and p["by"] and p["question"].endswith("?")
        assert len(p["question"]) <= 300
    assert set(doc["composition"]) == LABELS
    assert sum(doc["composition"].values()) == pytest.approx(1.0, abs=0.01)


def test_analyze_json_on_sample_article_follows_contract(capsys, monkeypatch):
    """`analyze --json` on the shipped sample prints one grounded contract object."""
    status, out, err = run_cli(capsys, monkeypatch, "analyze", "--json", str(SAMPLE_HTML))
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    check_contract(doc)
    assert doc["source"]["title"].startswith("The fare-free bus experiment")
    assert doc["source"]["author"] == "Dana Whitcombe"
    quoted = [s for s in doc["sentences"] if s["quoted"]]
    assert quoted and all(s["label"] == "reported" for s in quoted)
    assert any(p["by"] == "author" for p in doc["predictions"])
    texts = " ".join(s["text"] for s in doc["sentences"])
    assert "newsletter" not in texts.lower() and "More from Opinion" not in texts


def test_analyze_card_shows_summary_labels_and_predictions(capsys, monkeypatch):
    """Without --json the card shows the TL;DR, the sections, predictions and sentence labels."""
    status, out, _ = run_cli(capsys, monkeypatch, "analyze", str(SAMPLE_HTML))
    assert status == 0
    for part in ("TL;DR:", "Composition:", "Sentences", "Predictions"):
        assert part in out
    assert "REPORTED" in out and "OPINION" in out


def test_analyze_reads_text_file_and_stdin_alike(capsys, monkeypatch, fixtures):
    """A .txt file and the same bytes on stdin give the same sentences."""
    path = fixtures / "cli" / "short-news.txt"
    status, from_file, _ = run_cli(capsys, monkeypatch, "analyze", "--json", str(path))
    assert status == 0
    status, from_stdin, _ = run_cli(
        capsys, monkeypatch, "analyze", "--json", "-", stdin=path.read_bytes()
    )
    assert status == 0
    a, b = json.loads(from_file), json.loads(from_stdin)
    check_contract(a)
    assert [s["text"] for s in a["sentences"]] == [s["text"] for s in b["sentences"]]
    assert a["source"]["title"] == "Harbor bridge to close for repairs"


def test_batch_prints_one_line_per_source_in_order(capsys, monkeypatch, fixtures, tmp_path):
    """Several sources print one JSON line each, in input order, a failure as an error line."""
    txt = fixtures / "cli" / "short-news.txt"
    missing = tmp_path / "nope.html"
    status, out, err = run_cli(
        capsys, monkeypatch, "analyze", "--json", str(SAMPLE_HTML), str(missing), str(txt)
    )
    assert status == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["schema"] for d in lines] == [
        "unspin.analysis/1", "unspin.error/1", "unspin.analysis/1",
    ]  # fmt: skip
    assert lines[1]["exit"] == 2 and "no file" in lines[1]["error"]
    assert lines[2]["source"]["title"] == "Harbor bridge to close for repairs"
    assert err.count("\n") == 1


def test_threaded_batch_prints_the_same_lines_as_one_thread(
    capsys, monkeypatch, fixtures, tmp_path
):
    """Pages analysed on several threads still print exactly the serial output, in input order."""
    txt = fixtures / "cli" / "short-news.txt"
    sources = []
    for n in range(7):
        page = tmp_path / f"p{n}.txt"
        page.write_text(
            f"Council votes on budget {n}\n\nThe council approved {n + 2} new bus lines on "
            f"Monday, the mayor said. Critics will surely call it a waste of money.\n",
            encoding="utf-8",
        )
        sources += [str(page), str(SAMPLE_HTML) if n % 2 else str(txt)]
    sources.insert(5, str(tmp_path / "missing.txt"))
    outputs = []
    for threads in ("1", "3"):
        monkeypatch.setenv("UNSPIN_ANALYSIS__BATCH_THREADS", threads)
        status, out, _ = run_cli(capsys, monkeypatch, "analyze", "--json", *sources)
        assert status == 2
        outputs.append(out)
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[1].splitlines()]
    assert len(lines) == len(sources)
    assert lines[5]["schema"] == "unspin.error/1"
    assert lines[0]["sentences"][0]["text"].startswith("The council approved 2 ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"%PDF-1.7\n1 0 obj <<>>", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"abc\x00\x01\x02def" * 10, "binary data"),
    ],
)
def test_unreadable_files_exit_2_with_one_sentence(
    capsys, monkeypatch, tmp_path, content, expected
):
    """Empty and binary files exit 2 with a one-sentence message naming the problem."""
    path = tmp_path / "input.html"
    path.write_bytes(content)
    status, out, err = run_cli(capsys, monkeypatch, "analyze", str(path))
    assert status == 2 and out == ""
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_exits_2(capsys, monkeypatch, tmp_path):
    """A path that does not exist exits 2 and says so."""
    status, _, err = run_cli(capsys, monkeypatch, "analyze", str(tmp_path / "none.txt"))
    assert status == 2 and "There is no file at" in err


@pytest.mark.parametrize("url", ["http://", "https:///path", "http://exa mple.com/"])
def test_malformed_url_exits_2(capsys, monkeypatch, url):
    """A malformed URL is bad usage: exit 2, no fetch."""
    status, _, err = run_cli(capsys, monkeypatch, "analyze", url)
    assert status == 2, err
    assert err.startswith("unspin: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://2130706433/",
        "http://localhost/",
        "ftp://x.org/",
    ],
)
def test_refused_url_exits_3_without_connecting(capsys, monkeypatch, url):
    """Loopback addresses in any spelling and other schemes are refused with exit 3."""
    status, _, err = run_cli(capsys, monkeypatch, "analyze", url)
    assert status == 3, err
    assert "can't fetch" in err and err.count("\n") == 1


def test_broken_config_exits_2_naming_the_setting(capsys, monkeypatch, tmp_path):
    """An invalid setting in the TOML file exits 2 and names the setting."""
    config = tmp_path / "bad.toml"
    config.write_text('[fetch]\ntimeout_s = "soon"\n')
    status, _, err = run_cli(
        capsys, monkeypatch, "analyze", "--config", str(config), str(SAMPLE_HTML)
    )
    assert status == 2 and "fetch.timeout_s" in err


def test_label_prints_one_object_per_sentence(capsys, monkeypatch):
    """`label` prints {text, label, confidence} for each non-blank stdin line, in order."""
    lines = [
        "The council voted 6-3 on Tuesday to restore bus fares.",
        "",
        "This is a shameful, short-sighted decision that betrays every rider.",
        "Ridership will collapse by next year.",
    ]
    stdin = ("\n".join(lines) + "\n").encode()
    status, out, _ = run_cli(capsys, monkeypatch, "label", stdin=stdin)
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == [line for line in lines if line]
    assert all(set(r) == {"text", "label", "confidence"} for r in rows)
    assert rows[0]["label"] == "reported"
    assert rows[1]["label"] in {"opinion", "prediction"}


def test_version_flag(capsys, monkeypatch):
    """--version prints the package version and exits 0."""
    with pytest.raises(SystemExit) as stop:
        run_cli(capsys, monkeypatch, "--version")
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("unspin ")


async def test_analyze_fetches_a_url_through_the_guard(tmp_path):
    """A URL on an allow-listed local host is fetched, extracted and analysed by the real CLI."""
    app = web.Application()

    async def page(_: web.Request) -> web.Response:
        return web.Response(body=SAMPLE_HTML.read_bytes(), content_type="text/html")

    app.router.add_get("/column", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    env = dict(os.environ, UNSPIN_FETCH__ALLOW_HOSTS=f"127.0.0.1:{port}")
    env.pop("UNSPIN_CONFIG", None)
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "analyze", "--json",
            f"http://127.0.0.1:{port}/column",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    finally:
        await runner.cleanup()
    assert proc.returncode == 0, err.decode()
    doc = json.loads(out)
    check_contract(doc)
    assert doc["source"]["url"] == f"http://127.0.0.1:{port}/column"
