"""The README's full-API and sandbox examples run against an in-process sandbox, unstubbed.

The docs pages run through ``doc_stub`` (only endpoints the sandbox lacks are
answered by it); the README's blocks are run here without any stub, so every
call they make must be one the sandbox really serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import doc_stub
import pytest
from doc_blocks import PYTHON, ROOT, blocks

from postmark.sandbox import Sandbox

README = ROOT / "README.md"
SECTIONS = ("The full Postmark API", "The local sandbox and its web inbox")


def section_blocks(title: str) -> list[Any]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [b for b in blocks(README) if b.lang == PYTHON and start < b.line <= end]


@pytest.mark.parametrize("title", SECTIONS)
def test_readme_section_runs_against_the_sandbox(
    title: str, docs_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    found = section_blocks(title)
    assert found, f"no python block under '## {title}' in README.md"
    docs_sandbox.clear()
    monkeypatch.setenv("POSTMARK_API_URL", docs_sandbox.url)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    for block in found:
        code = compile("\n" * (block.line - 1) + block.code, str(README), "exec")
        exec(code, namespace)


def test_the_docs_stub_answers_only_the_removed_bounce_tags_endpoint() -> None:
    """Every other endpoint of the client is served by the sandbox for real."""
    assert [e.operation for e in doc_stub.stubbed()] == ["bounces.tags"]
