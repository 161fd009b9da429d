"""Plan case 32: Synapse's decoding cases, plus BOMs and statistical detection."""

from __future__ import annotations

import re

import pytest

from bot.decode import declared_encodings, decode_body

CYRILLIC = "дка"
CP1251_TITLE = CYRILLIC.encode("cp1251")  # b"\xe4\xea\xe0"


def title(text: str) -> str:
    """The <title> of a decoded page ("" when there is none)."""
    match = re.search(r"<title>(.*?)</title>", text, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("body", [b"", b"\x00", b"\x00\x00\x00", b"\xff\xfe", b"<"])
def test_degenerate_bodies_do_not_raise(body: bytes) -> None:
    """Empty, NUL-only and truncated bodies decode without an exception."""
    assert isinstance(decode_body(body, "text/html"), str)


def test_empty_body_is_empty_text() -> None:
    """An empty body is the empty string."""
    assert decode_body(b"", "text/html; charset=utf-8") == ""


def test_invalid_declared_charset_falls_back() -> None:
    """An unknown charset in the header is ignored and the page still decodes."""
    body = b"<html><head><title>A</title></head><body><p>x</p></body></html>"
    assert title(decode_body(body, "text/html; charset=invalid-encoding")) == "A"


def test_invalid_utf8_in_title_falls_back_to_cp1252() -> None:
    """Bytes that are not UTF-8 fall back to windows-1252 rather than failing."""
    body = b"<html><head><title>\xff\xff Foo</title></head><body><p>x</p></body></html>"
    assert title(decode_body(body)) == "ÿÿ Foo"


def test_undeclared_cp1252() -> None:
    """An undeclared windows-1252 page decodes as windows-1252."""
    body = b"<html><head><title>\xf3</title></head><body><p>x</p></body></html>"
    assert title(decode_body(body)) == "ó"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="ascii">', "cp1252"),
        (b"< meta charset = ascii>", "cp1252"),
        (b'<meta charset="Shift_JIS">', "shift_jis"),
        (b"<META CHARSET='windows-1251'>", "cp1251"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "koi8-r"),
    ],
)
def test_meta_charset_variants(head: bytes, expected: str) -> None:
    """<meta charset>, malformed spacing, quotes, case and http-equiv are all recognised."""
    assert declared_encodings(b"<html><head>" + head + b"</head></html>", None)[0] == expected


def test_shift_jis_page_decodes() -> None:
    """A Shift_JIS page declared in <meta> decodes to the right characters."""
    body = b'<html><head><meta charset="Shift_JIS"><title>' + "日本語".encode("shift_jis")
    body += b"</title></head></html>"
    assert title(decode_body(body)) == "日本語"


def test_xml_prolog_declares_the_encoding() -> None:
    """The XML prolog's encoding is used when nothing else declares one."""
    body = b'<?xml version="1.0" encoding="windows-1251"?><html><title>' + CP1251_TITLE
    assert title(decode_body(body + b"</title></html>")) == CYRILLIC


def test_meta_beats_xml_prolog() -> None:
    """A <meta> charset wins over the XML prolog."""
    body = b'<?xml version="1.0" encoding="ascii"?><html><head><meta charset="windows-1251">'
    body += b"<title>" + CP1251_TITLE + b"</title></head></html>"
    assert declared_encodings(body, None) == ["cp1251", "cp1252"]
    assert title(decode_body(body)) == CYRILLIC


def test_meta_declaring_utf16_in_ascii_text_means_utf8() -> None:
    """A document readable as ASCII cannot be UTF-16, so such a declaration reads as UTF-8."""
    body = '<?xml version="1.0" encoding="ascii"?><meta charset="UTF-16"><title>é</title>'
    assert declared_encodings(body.encode(), None) == ["utf-8", "cp1252"]
    assert title(decode_body(body.encode())) == "é"


def test_http_equiv_beats_a_utf8_header() -> None:
    """Synapse's case: http-equiv windows-1251 in the page beats charset="utf8" in the header."""
    body = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        b"<title>" + CP1251_TITLE + b"</title></head></html>"
    )
    assert title(decode_body(body, 'text/html; charset="utf8"')) == CYRILLIC


@pytest.mark.parametrize(
    "header",
    [
        'text/html; charset="windows-1251";',
        "text/html; charset=windows-1251",
        'text/html;  charset="windows-1251"',
        "text/html; charset=windows-1251;",
        'text/html; charset="windows-1251',
        'text/html; charset=windows-1251"',
    ],
)
def test_content_type_quoting_variants(header: str) -> None:
    """All six quoting variants of the header's charset parameter are understood."""
    body = b"<html><head><title>" + CP1251_TITLE + b"</title></head></html>"
    assert declared_encodings(body, header) == ["cp1251"]
    assert title(decode_body(body, header)) == CYRILLIC


def test_unknown_and_duplicate_labels() -> None:
    """Unknown labels are dropped and duplicates removed, strongest declaration first."""
    body = b'<meta charset="utf-8"><meta charset="nonsense">'
    assert declared_encodings(body, "text/html; charset=UTF8") == ["utf-8"]
    assert declared_encodings(b'<meta charset="nonsense">', "text/html; charset=bogus") == []


def test_utf7_is_never_honoured() -> None:
    """UTF-7 declarations are ignored (they let markup hide from a decoder)."""
    body = b'<meta charset="utf-7"><title>+ADw-script+AD4-</title>'
    assert declared_encodings(body, "text/html; charset=utf-7") == []
    assert title(decode_body(body)) == "+ADw-script+AD4-"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_byte_order_mark_wins(encoding: str, bom: bytes) -> None:
    """A byte order mark decides the encoding, even against a contrary header."""
    body = bom + "<title>Zürich</title>".encode(encoding)
    assert title(decode_body(body, "text/html; charset=windows-1251")) == "Zürich"


def test_undeclared_cyrillic_is_detected() -> None:
    """A long undeclared windows-1251 page is detected statistically, not read as cp1252."""
    text = (
        "Правительство объявило о новых мерах поддержки экономики. По словам министра, "
        "программа рассчитана на три года и затронет малый и средний бизнес. Эксперты "
        "считают, что эти шаги помогут снизить безработицу в регионах страны. "
    ) * 3
    body = ("<html><body><p>" + text + "</p></body></html>").encode("cp1251")
    assert text in decode_body(body)


def test_wrong_declaration_keeps_what_it_can() -> None:
    """A declared encoding that fails midway still yields text, with replacement characters."""
    body = b'<meta charset="ascii"><title>ok</title>' + bytes(range(0x80, 0x100))
    decoded = decode_body(body)
    assert title(decoded) == "ok"
