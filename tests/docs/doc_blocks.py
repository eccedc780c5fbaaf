"""The fenced code blocks of the documentation (docs/**/*.md), with their markers.

A block may be preceded by one marker comment, on the closest non-blank
line above its opening fence::

    <!-- example: no-run Django settings of another project -->

Markers (see ``MARKERS``) change how ``test_examples.py`` checks a block;
an unknown marker, a marker on the wrong language, or a ``no-run`` without a
reason fails the tests, so exemptions stay few and explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: Fence languages allowed in the docs, and how each is checked.
PYTHON = "python"
SHELL = ("sh", "shell", "bash", "console")
DATA = ("json", "text", "html", "ini")  # (Pygments has no csv lexer: CSV is text)
#: MyST directives written as fences: their bodies are reference markup, not examples.
DIRECTIVES = ("{eval-rst}", "{toctree}", "{include}")
#: Admonitions written as backtick fences hold Markdown, so blocks inside count too.
ADMONITIONS = ("{note}", "{warning}", "{tip}", "{important}", "{seealso}", "{admonition}")

#: marker -> languages it applies to.
MARKERS: dict[str, tuple[str, ...]] = {
    # compiled but not run; a reason is required
    "no-run": (PYTHON,),
    # run, then its UPPERCASE names are the Django settings for the rest of the page
    "django-settings": (PYTHON,),
    # run, then its ``urlpatterns`` are the ROOT_URLCONF for the rest of the page
    "django-urls": (PYTHON,),
    # a whole pytest test module: run by pytest in a subprocess, must pass
    "pytest": (PYTHON,),
    # shell: every ``postmark`` line is run in-process against the sandbox and must exit 0
    "run": SHELL,
}

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_MARKER = re.compile(r"^\s*<!--\s*example:\s*(?P<kind>[\w-]+)\s*(?P<reason>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block."""

    path: Path
    line: int  # 1-based line number of the first line of code
    lang: str
    code: str
    marker: str | None = None
    reason: str = ""

    @property
    def page(self) -> str:
        base = DOCS if DOCS in self.path.parents else ROOT  # README.md is outside docs/
        return self.path.relative_to(base).as_posix()

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """Every Markdown page of the site, in a stable order."""
    build = DOCS / "_build"
    return sorted(p for p in DOCS.rglob("*.md") if build not in p.parents)


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of one page, in order (including those inside admonitions)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(_scan(path, lines, 0))


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


def _scan(path: Path, lines: list[str], offset: int) -> list[Block]:
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening["fence"]
        close = _closing(lines, index + 1, fence)
        indent = len(opening["indent"])
        body = [_dedent(line, indent) for line in lines[index + 1 : close]]
        info = opening["info"].split()
        lang = info[0] if info else ""
        marker, reason = _marker(lines, index)
        if lang in ADMONITIONS:
            found.extend(_scan(path, body, offset + index + 1))
        else:
            code = "\n".join(body) + "\n"
            found.append(Block(path, offset + index + 2, lang, code, marker, reason))
        index = close + 1
    return found


def _closing(lines: list[str], start: int, fence: str) -> int:
    pattern = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start, len(lines)):
        if pattern.match(lines[index]):
            return index
    raise ValueError(f"unclosed code fence {fence!r} at line {start}")


def _dedent(line: str, indent: int) -> str:
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(indent, stripped) :]


def _marker(lines: list[str], fence_index: int) -> tuple[str | None, str]:
    index = fence_index - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index < 0:
        return None, ""
    match = _MARKER.match(lines[index])
    if match is None:
        if "example:" in lines[index] and "<!--" in lines[index]:
            raise ValueError(f"malformed example marker: {lines[index]!r}")
        return None, ""
    return match["kind"], match["reason"]
