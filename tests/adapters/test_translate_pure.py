"""Each adapter's translate.py, and the text helpers they share, stay pure: no I/O, no state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ADAPTERS = Path(__file__).resolve().parents[2] / "adapters"
# Data and text only: the neutral models, Slack's Block Kit models (plain classes), and the
# adapters' shared text helpers (checked below to be pure as well).
ALLOWED = {
    "__future__",
    "re",
    "collections.abc",
    "typing",
    "dataclasses",
    "bot.models",
    "bot.poll_models",
    "slack_sdk.models.blocks",
    "slack_sdk.models.blocks.basic_components",
    "slack_sdk.models.blocks.block_elements",
    "adapters.discord.translate",
    "adapters.slack.translate",
    "adapters.text",
}
PURE_MODULES = ["discord/translate.py", "slack/translate.py", "text.py"]


def imported_modules(tree: ast.Module) -> set[str]:
    """Every module a source file imports, at any depth."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", PURE_MODULES)
def test_translate_imports_no_io(module: str) -> None:
    """translate.py and its text helpers import only data and text modules (no client, no I/O)."""
    tree = ast.parse((ADAPTERS / module).read_text())
    assert imported_modules(tree) <= ALLOWED


@pytest.mark.parametrize("module", PURE_MODULES)
def test_translate_has_no_coroutines_or_globals_written(module: str) -> None:
    """No async code and no `global` statements: same input, same output."""
    tree = ast.parse((ADAPTERS / module).read_text())
    kinds = {type(node) for node in ast.walk(tree)}
    assert not kinds & {ast.AsyncFunctionDef, ast.Await, ast.Global, ast.Nonlocal}
