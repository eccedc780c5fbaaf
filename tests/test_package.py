"""The top-level package: its export table, lazy names and submodules, and layering."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import postmark

PACKAGE = Path(postmark.__file__).parent


def test_type_checking_imports_match_the_export_table() -> None:
    # __all__ is derived from the table; type checkers read the TYPE_CHECKING
    # block. The two must list the same names from the same modules.
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.dump(n))
    imported = {
        (node.module, alias.name)
        for node in ast.walk(block)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    table = {(module, name) for name, module in postmark._MODULE_OF.items()}
    assert imported == table
    assert set(postmark.__all__) == {name for _, name in table} | {"__version__"}


def test_every_exported_name_resolves() -> None:
    for name in postmark.__all__:
        assert getattr(postmark, name) is not None


def test_submodules_are_attributes_on_first_use_without_slowing_the_import() -> None:
    code = (
        "import sys, postmark\n"
        "assert 'postmark.api.paging' not in sys.modules\n"
        "assert 'requests' not in sys.modules\n"
        "w = postmark.api.paging.TruncatedResultsWarning\n"
        "assert postmark.api.inventory.ENDPOINTS\n"
        "assert postmark.sending.BatchPlan and postmark.outcomes.BatchResult\n"
        "print(w.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "TruncatedResultsWarning"


def test_unknown_attributes_still_fail() -> None:
    for module, name in ((postmark, "no_such_thing"), (postmark.api, "no_such_module")):
        try:
            getattr(module, name)
        except AttributeError as error:
            assert name in str(error)
        else:  # pragma: no cover
            raise AssertionError(f"{name} resolved")


def _imports(path: Path) -> set[str]:
    """postmark.* modules a file imports at module level (TYPE_CHECKING blocks included:
    a cycle that only type checkers see is still a circle in the design)."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom):
                base = package.rsplit(".", sub.level - 1)[0] if sub.level else ""
                module = ".".join(part for part in (base, sub.module or "") if part)
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in sub.names)
            elif isinstance(sub, ast.Import):
                found.update(alias.name for alias in sub.names)
    return {name for name in found if name.startswith("postmark")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycle_in_the_package() -> None:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            # "from postmark.api import base" names a module or a name in a package.
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            # A package's own submodules importing it (for its names) is not a cycle.
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_sending_core_does_no_io() -> None:
    # The core is data in, data out: no HTTP client, socket or framework.
    for name in ("postmark.sending", "postmark.outcomes", "postmark.payloads", "postmark.protocol"):
        module = importlib.import_module(name)
        imported = _imports(Path(module.__file__ or ""))
        assert not imported & {"postmark.transport", "postmark.client", "postmark.tornado"}
        source = Path(module.__file__ or "").read_text()
        for forbidden in ("import requests", "import socket", "import tornado", "import urllib3"):
            assert forbidden not in source, (name, forbidden)
