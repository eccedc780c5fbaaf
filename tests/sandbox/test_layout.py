"""The sandbox's module layout: no import cycle, and no import of the client library.

The import graph is read from the sources with :mod:`ast` (imports under
``if TYPE_CHECKING:`` and inside functions count too: a cycle there is still
a circle for the reader and for the type checker). ``from package import
module`` is an edge to that module; ``from module import name`` an edge to
the module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import postmark.sandbox

SANDBOX_DIR = Path(postmark.sandbox.__file__).parent
PACKAGE_ROOT = SANDBOX_DIR.parent.parent
SANDBOX = "postmark.sandbox"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sandbox_sources() -> dict[str, str]:
    """Module name -> source, for every module of ``postmark.sandbox``."""
    return {module_name(p): p.read_text(encoding="utf-8") for p in SANDBOX_DIR.rglob("*.py")}


def imported(module: str, source: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """Absolute names of the modules ``module`` imports (any package, not only the sandbox)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            yield from submodules or [target]


def import_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Sandbox module -> the sandbox modules it imports."""
    known = set(sources)
    packages = {p.parent for p in SANDBOX_DIR.rglob("__init__.py")}
    is_package = {module_name(p / "__init__.py") for p in packages}
    return {
        module: {
            name
            for name in imported(module, source, module in is_package, known)
            if name in known and name != module
        }
        for module, source in sources.items()
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or ``None``."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_stack:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in done:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            found = visit(start)
            if found:
                return found
    return None


def test_the_sandbox_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph(sandbox_sources()))
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_check_finds_the_old_app_router_circle() -> None:
    """If ``App`` owned the routers again (app.py importing the router), the check fails."""
    sources = sandbox_sources()
    sources[f"{SANDBOX}.app"] += "\nfrom .http.router import Router\n"
    cycle = find_cycle(import_graph(sources))
    assert cycle is not None
    assert {f"{SANDBOX}.app", f"{SANDBOX}.http.router"} <= set(cycle)


def test_the_sandbox_imports_nothing_from_the_client_library() -> None:
    """An independent reading of Postmark's docs: no postmark module outside the sandbox."""
    sources = sandbox_sources()
    packages = {module_name(p) for p in SANDBOX_DIR.rglob("__init__.py")}
    known = set(sources)
    outside = sorted(
        (module, name)
        for module, source in sources.items()
        for name in imported(module, source, module in packages, known)
        if (name == "postmark" or name.startswith("postmark."))
        and not (name == SANDBOX or name.startswith(SANDBOX + "."))
    )
    assert outside == []


def test_the_client_check_sees_a_client_import() -> None:
    source = "from ...protocol import Call\nimport postmark.client\n"
    names = set(imported(f"{SANDBOX}.http.router", source, False, set()))
    assert {"postmark.protocol", "postmark.client"} <= names
