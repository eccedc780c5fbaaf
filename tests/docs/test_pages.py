"""The guides cover what the code has: every setting, endpoint, section and command.

These fail when the package grows something the docs do not mention yet
(a new setting, endpoint or subcommand), not only when an example breaks.
"""

from __future__ import annotations

import argparse
import re

import pytest
from doc_blocks import DOCS, ROOT, blocks
from test_examples import shell_commands

import postmark
from postmark.api.inventory import ENDPOINTS
from postmark.cli import build_parser

#: "POSTMARK_..." literals in the package that are not settings.
NOT_SETTINGS = {
    "POSTMARK_API_TEST",  # Postmark's public test token, accepted by the sandbox
    "POSTMARK_OPTIONS",  # a tuple of Django message attribute names
}


def _page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _settings(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "postmark" / folder).rglob("*.py"):
        found |= set(re.findall(r'"(POSTMARK_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    return found - NOT_SETTINGS


def test_every_setting_is_in_the_configuration_table() -> None:
    text = _page("configuration.md")
    settings = _settings("")
    assert "POSTMARK_SERVER_TOKEN" in settings and "POSTMARK_TIMEOUT" in settings
    missing = sorted(name for name in settings if f"| `{name}`" not in text)
    assert not missing, f"configuration.md lacks a table row for {missing}"


def test_every_django_setting_is_in_the_django_table() -> None:
    text = _page("django.md")
    settings = _settings("django") | {"POSTMARK_API_KEY", "POSTMARK_TIMEOUT", "POSTMARK_API_URL"}
    missing = sorted(name for name in settings if f"| `{name}`" not in text)
    assert not missing, f"django.md lacks a settings row for {missing}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_every_endpoint_is_on_the_api_page(endpoint: object) -> None:
    method, path = endpoint.method, endpoint.path  # type: ignore[attr-defined]
    assert f"`{method} {path}`" in _page("api.md")


def test_the_api_page_lists_every_section_of_both_clients() -> None:
    """Each section attribute of ServerClient / AccountClient has its own heading."""
    for client, prefix in ((postmark.ServerClient, "client"), (postmark.AccountClient, "account")):
        with client("token") as instance:
            sections = [
                name
                for name in dir(instance)
                if not name.startswith("_")
                and type(getattr(instance, name)).__module__.startswith("postmark.api.")
            ]
        assert len(sections) >= 5
        for name in sections:
            assert f"### `{prefix}.{name}`" in _page("api.md"), name


def _leaf_commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                below = _leaf_commands(sub, (*prefix, name))
                found |= below or {(*prefix, name)}
    return found


def test_every_cli_subcommand_is_shown_on_the_cli_page() -> None:
    shown: set[tuple[str, ...]] = set()
    for block in blocks(DOCS / "cli.md"):
        if block.lang == "sh":
            for argv in shell_commands(block):
                if argv[0] == "postmark":
                    words = [a for a in argv[1:] if not a.startswith("-")]
                    shown |= {tuple(words[:1]), tuple(words[:2])}
    leaves = _leaf_commands(build_parser())
    assert len(leaves) > 40
    missing = sorted(" ".join(leaf) for leaf in leaves if leaf not in shown)
    assert not missing, f"cli.md shows no example of: {missing}"
