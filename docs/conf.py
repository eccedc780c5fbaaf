"""Sphinx configuration for the python-postmark documentation.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
Pages are Markdown (MyST); the API reference is generated from docstrings.
Every fenced ``python`` block is executed by ``tests/docs/test_examples.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# -- Project -----------------------------------------------------------------

project = "python-postmark"
author = "python-postmark contributors"
copyright = "python-postmark contributors, MIT licence"
_version_file = (ROOT / "postmark" / "_version.py").read_text(encoding="utf-8")
release = re.search(r'__version__ = "([^"]+)"', _version_file).group(1)  # type: ignore[union-attr]
version = release

# -- Django: autodoc imports postmark.django's modules, which need settings ---

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="docs-build-only",  # noqa: S106 (never used to sign anything)
        INSTALLED_APPS=["django.contrib.contenttypes"],
        EMAIL_BACKEND="postmark.django.EmailBackend",
        DEFAULT_CHARSET="utf-8",
    )
    django.setup()

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
pygments_style = "sphinx"

# -- Autodoc -----------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# -- HTML --------------------------------------------------------------------

html_theme = "furo"
html_title = f"python-postmark {release}"
html_static_path: list[str] = []

# -- The performance page shows benchmarks/README.md -----------------------------

BENCHMARKS = ROOT / "benchmarks" / "README.md"
BENCHMARK_MARKER = "<!-- benchmarks/README.md -->"
_RELATIVE_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")


def benchmark_text() -> str:
    """benchmarks/README.md for inclusion below a page heading, or a note while it is missing.

    Headings move two levels down (below the page's "The numbers"), and
    links to files next to the README (scripts, results) become plain text:
    they are not pages of this site.
    """
    if not BENCHMARKS.is_file():
        return (
            ":::{note}\nThe benchmark table is published in `benchmarks/README.md`, which "
            "this page shows once it exists; run the benchmarks as described below to "
            "produce your own numbers.\n:::\n"
        )
    lines, fence = [], ""
    for line in BENCHMARKS.read_text(encoding="utf-8").splitlines():
        opening = re.match(r"\s*(`{3,}|~{3,})", line)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)
        elif not fence:
            line = re.sub(r"^(#{1,4}) ", r"##\1 ", line)
            line = _RELATIVE_LINK.sub(r"\1 (`benchmarks/\2`)", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _insert_benchmarks(app: Any, docname: str, source: list[str]) -> None:
    if BENCHMARK_MARKER in source[0]:
        if BENCHMARKS.is_file():
            app.env.note_dependency(str(BENCHMARKS))
        source[0] = source[0].replace(BENCHMARK_MARKER, benchmark_text())


def _reexported_data_comment(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """A constant a package re-exports (``postmark.webhooks.MAX_EVENT_BYTES``) is
    documented by the ``#:`` comment where it is defined, not by ``int``'s docstring."""
    if what != "data":
        return
    from sphinx.pycode import ModuleAnalyzer

    package, _, attr = name.rpartition(".")
    for module_name, module in sorted(sys.modules.items()):
        if module_name.startswith(f"{package}.") and vars(module).get(attr, lines) is obj:
            comment = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", attr))
            if comment:
                lines[:] = list(comment)
                return


#: What a section method's description type means for the caller of the sync
#: client (postmark.api.base): a Request[X] or a plan gives X, a walk an iterator.
_REQUEST = r"(?:~postmark\.protocol\.)?Request"
_ANY = r"(?:~typing\.)?Any"
_GENERATOR = r"(?:~collections\.abc\.)?Generator"
_DESCRIPTIONS = (
    (re.compile(rf"^{_REQUEST}\[(.*)\]$"), r"\1"),
    (re.compile(r"^(?:~postmark\.api\.base\.)?Plan\[(.*)\]$"), r"\1"),
    (re.compile(rf"^{_GENERATOR}\[{_REQUEST}\[{_ANY}\], {_ANY}, (.*)\]$"), r"\1"),
    (re.compile(r"^(?:~postmark\.api\.base\.)?Walk\[(.*)\]$"), r"~collections.abc.Iterator[\1]"),
    (
        re.compile(rf"^{_GENERATOR}\[{_REQUEST}\[{_ANY}\] \| (.*), {_ANY}, None\]$"),
        r"~collections.abc.Iterator[\1]",
    ),
)


def _section_return_types(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: Any, annotation: Any
) -> tuple[Any, Any] | None:
    """Show a section method's result type, as ``ServerClient`` returns it, not its
    description type (``Request[Bounce]`` is shown as ``Bounce``); the async client
    returns the same wrapped in an awaitable (see the Tornado guide)."""
    if what != "method" or not annotation or not hasattr(obj, "describe"):
        return None
    for pattern, replacement in _DESCRIPTIONS:
        if pattern.match(annotation):
            return signature, pattern.sub(replacement, annotation)
    return None


def setup(app: Any) -> None:
    app.connect("source-read", _insert_benchmarks)
    app.connect("autodoc-process-signature", _section_return_types)
    app.connect("autodoc-process-docstring", _reexported_data_comment)
