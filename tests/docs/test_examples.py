"""Every code example of the documentation runs, so the docs cannot rot.

Each fenced block of docs/**/*.md is one test, named ``page.md:line``:

* ``python``: executed against an in-process sandbox, in the page's shared
  namespace (see ``doc_pages.py``; endpoints the sandbox does not model are
  answered by ``doc_stub.py``). A failing block fails its test; its
  traceback points at the Markdown file and line. Markers (``doc_blocks.py``)
  select other checks: ``no-run`` (compiled only, with a reason),
  ``django-settings``, ``django-urls``, and ``pytest`` (a test module run by
  pytest in a subprocess, with this package's pytest plugin).
* ``sh``: every command must be one the checker knows. ``postmark ...`` and
  ``python -m postmark ...`` lines are parsed with the real argument parser
  (every subcommand and flag must exist); with the ``run`` marker they are
  also executed against the sandbox and must exit 0. ``make`` targets must
  exist in the Makefile, ``curl`` URLs must be sandbox routes, scripts must
  exist.
* ``json`` is parsed; ``text``, ``html`` and ``ini`` are shown as they are.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from doc_blocks import (
    ADMONITIONS,
    DATA,
    DIRECTIVES,
    MARKERS,
    PYTHON,
    ROOT,
    SHELL,
    Block,
    all_blocks,
    pages,
)
from doc_pages import Page, Pages

BLOCKS = all_blocks()
PYTHON_BLOCKS = [b for b in BLOCKS if b.lang == PYTHON]
SHELL_BLOCKS = [b for b in BLOCKS if b.lang in SHELL]
DATA_BLOCKS = [b for b in BLOCKS if b.lang in DATA]


def _ids(block: Block) -> str:
    return block.id


# --------------------------------------------------------------------------
# The blocks themselves


def test_docs_have_examples() -> None:
    """The extractor finds the pages and their blocks (an empty run proves nothing)."""
    assert len(pages()) >= 15
    assert len(PYTHON_BLOCKS) >= 60
    assert len(SHELL_BLOCKS) >= 5


@pytest.mark.parametrize("block", BLOCKS, ids=_ids)
def test_block_language_and_marker_are_known(block: Block) -> None:
    known = (PYTHON, *SHELL, *DATA, *DIRECTIVES)
    assert block.lang in known, (
        f"{block.id}: fence language {block.lang!r} is not checked by the docs tests; "
        f"use one of {', '.join(known)} (or teach tests/docs about it)"
    )
    assert block.lang not in ADMONITIONS
    if block.lang == "{eval-rst}":
        literal = [line for line in block.code.splitlines() if line.rstrip().endswith("::")]
        assert "code-block" not in block.code and not literal, (
            f"{block.id}: write examples as ```python fences, which are executed"
        )
    if block.marker is not None:
        assert block.marker in MARKERS, f"{block.id}: unknown marker {block.marker!r}"
        assert block.lang in MARKERS[block.marker], (
            f"{block.id}: marker {block.marker!r} does not apply to {block.lang!r} blocks"
        )
        if block.marker == "no-run":
            assert block.reason, f"{block.id}: say why the block cannot run"


def test_no_rst_code_blocks_in_markdown() -> None:
    """Examples are ```python fences; a ``{code-block}`` directive would escape the tests."""
    for page in pages():
        text = page.read_text(encoding="utf-8")
        assert "{code-block}" not in text and "{code}" not in text, page


# --------------------------------------------------------------------------
# Python


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=_ids)
def test_python_example(
    block: Block,
    docs_pages: Pages,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    page = docs_pages.get(block.path)
    page_blocks = [b for b in PYTHON_BLOCKS if b.path == block.path]
    with page.activated(monkeypatch):
        run_in_session(block, page_blocks, page, tmp_path)


def run_in_session(block: Block, page_blocks: list[Block], page: Page, tmp_path: Path) -> None:
    """Run ``block`` after the blocks of its page not run yet (deselected ones, say).

    The page is one session: a block may use what any block above it defined.
    """
    position = page_blocks.index(block)
    for earlier in page_blocks[page.done : position]:
        with contextlib.suppress(Exception):
            run_python(earlier, page, tmp_path)
    page.done = position + 1
    run_python(block, page, tmp_path)


def compiled(block: Block) -> Any:
    # Leading newlines make tracebacks show the line numbers of the .md file.
    return compile("\n" * (block.line - 1) + block.code, str(block.path), "exec")


def run_python(block: Block, page: Page, tmp_path: Path) -> None:
    code = compiled(block)
    if block.marker == "no-run":
        return
    if block.marker == "pytest":
        run_pytest_module(block, tmp_path)
        return
    if block.marker in ("django-settings", "django-urls"):
        namespace: dict[str, Any] = {"__name__": "settings"}
        exec(code, namespace)
        if block.marker == "django-settings":
            page.add_django_settings(namespace)
        else:
            page.add_urlconf(block, namespace)
        return
    exec(code, page.namespace)


def run_pytest_module(block: Block, tmp_path: Path) -> None:
    """Run a block that is a whole test module with pytest, as a user project would."""
    module = tmp_path / f"test_docs_{block.path.stem}_{block.line}.py"
    module.write_text("\n" * (block.line - 1) + block.code, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POSTMARK_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)]
    if not _plugin_installed():
        args[3:3] = ["-p", "postmark.testing"]
    result = subprocess.run(
        args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"{block.id}: pytest failed\n{result.stdout}\n{result.stderr}"
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout


def _plugin_installed() -> bool:
    from importlib.metadata import entry_points

    return any(e.value == "postmark.testing" for e in entry_points(group="pytest11"))


# --------------------------------------------------------------------------
# Shell


def shell_commands(block: Block) -> list[list[str]]:
    """The commands of a shell block: continuation lines joined, comments dropped."""
    text = block.code.replace("\\\n", " ")
    commands: list[list[str]] = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        command: list[str] = []
        for word in [*words, ";"]:
            if word in (";", "&&"):
                if command:
                    commands.append(command)
                command = []
            else:
                command.append(word)
    return commands


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=_ids)
def test_shell_example(
    block: Block,
    docs_pages: Pages,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = checked_commands(block)
    if block.marker == "run":
        page = docs_pages.get(block.path)
        with page.activated(monkeypatch):
            for argv in commands:
                postmark_args = postmark_argv(argv)
                if postmark_args is None:
                    continue
                assert postmark_args[:1] != ["sandbox"], f"{block.id}: cannot run a server"
                from postmark.cli import main

                status = main(postmark_args)
                output = capsys.readouterr()
                assert status == 0, f"{block.id}: {shlex.join(argv)} exited {status}\n{output.err}"


def checked_commands(block: Block) -> list[list[str]]:
    """The block's commands, each checked (see :func:`check_command`)."""
    commands = shell_commands(block)
    assert commands, f"{block.id}: empty shell block"
    for argv in commands:
        check_command(block, argv)
    return commands


def postmark_argv(argv: list[str]) -> list[str] | None:
    """The arguments after ``postmark`` / ``python -m postmark``, else None."""
    if argv[0] == "postmark":
        return argv[1:]
    if argv[:3] == ["python", "-m", "postmark"]:
        return argv[3:]
    return None


def check_command(block: Block, argv: list[str]) -> None:
    where = f"{block.id}: {shlex.join(argv)}"
    args = postmark_argv(argv)
    if args is not None:
        check_postmark_args(where, args)
    elif argv[:3] == ["python", "-m", "postmark.sandbox"]:
        from postmark.cli import build_parser

        check_postmark_args(where, ["sandbox", *argv[3:]], parser=build_parser())
    elif argv[0] == "python":
        check_python(where, argv)
    elif argv[0] == "export":
        assert all(re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", a) for a in argv[1:]), where
    elif argv[0] == "pip":
        assert argv[1:2] == ["install"], where
    elif argv[0] == "make":
        makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
        for target in argv[1:]:
            assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), where
    elif argv[0] == "curl":
        check_curl(where, argv)
    elif argv[0] == "sh":
        assert (ROOT / argv[1]).is_file(), f"{where}: no such script"
    else:
        pytest.fail(f"{where}: the docs tests do not know how to check {argv[0]!r}")


def check_postmark_args(where: str, args: list[str], parser: Any = None) -> None:
    from postmark.cli import build_parser

    parser = parser or build_parser()
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            parser.parse_args(args)
        except SystemExit as exit:
            pytest.fail(f"{where}: not a valid postmark command ({exit.code}): {stderr.getvalue()}")


def check_python(where: str, argv: list[str]) -> None:
    if argv[1:2] == ["-m"]:
        assert argv[2] in ("pytest", "sphinx", "pip"), where
        return
    script = ROOT / argv[1]
    assert script.is_file(), f"{where}: no such script in the repository"
    flags = [a.split("=")[0] for a in argv[2:] if a.startswith("--")]
    if flags:
        # The script's own --help must list every flag the docs use.
        shown = subprocess.run(
            [sys.executable, str(script), "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert shown.returncode == 0, f"{where}: --help failed\n{shown.stderr}"
        for flag in flags:
            assert re.search(rf"{re.escape(flag)}\b", shown.stdout), f"{where}: no {flag}"


def check_curl(where: str, argv: list[str]) -> None:
    from postmark.sandbox.routes import admin, api_router

    urls = [a for a in argv if a.startswith("http")]
    assert len(urls) == 1, where
    method = "GET"
    for flag, value in itertools.pairwise(argv):
        if flag in ("-X", "--request"):
            method = value
    if any(a in ("-d", "--data", "--json") for a in argv) and method == "GET":
        method = "POST"
    path = urlsplit(urls[0]).path
    for router in (admin.routes, api_router()):
        match = router.match(method, path)
        if match is not None and match.route is not None:
            return
    pytest.fail(f"{where}: {method} {path} is not a sandbox route")


# --------------------------------------------------------------------------
# Data


@pytest.mark.parametrize("block", DATA_BLOCKS, ids=_ids)
def test_data_example(block: Block) -> None:
    if block.lang == "json":
        json.loads(block.code)
