"""A subset of Mustachio, the template language of Postmark's Templates API.

Supported, following Postmark's "Template syntax" article:

* ``{{ name }}`` and dotted paths ``{{ person.first_name }}``; HTML-escaped
  when rendering an HTML body;
* ``{{{ name }}}`` and ``{{& name }}``: no escaping;
* sections ``{{#person}}..{{/person}}`` (scope into an object; a list is
  iterated; missing, null, false, empty list or empty string skip it);
* inverted sections ``{{^name}}..{{/name}}``;
* ``{{#each list}}..{{/each}}`` with ``{{.}}`` / ``{{this}}`` for the item;
* ``../`` to reach the enclosing scope (Mustachio does not search outer
  scopes by itself) and ``~`` for the model root;
* ``{{! comments }}``;
* the layout placeholder ``{{{ @content }}}``.

``{{{ pm:unsubscribe }}}`` renders as an empty string: the sandbox has no
unsubscribe pages. Errors carry a 1-based line and column, as the
``/templates/validate`` answer reports them.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

CONTENT_PLACEHOLDER = "@content"
_SEGMENT = r"[A-Za-z0-9_$@:-]+"
_PATH = re.compile(rf"^(?:(?:\.\./)*|~)(?:\.|this|{_SEGMENT}(?:\.{_SEGMENT})*)$")
_EACH = re.compile(r"^#each\s+(.+)$")


class TemplateSyntaxError(ValueError):
    """A template that cannot be parsed; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Text:
    """Literal template text."""

    value: str


@dataclass(frozen=True)
class Variable:
    """``{{ path }}`` (escaped) or ``{{{ path }}}`` (raw)."""

    path: str
    escape: bool


@dataclass(frozen=True)
class Content:
    """The ``{{{ @content }}}`` slot of a layout."""


@dataclass
class Section:
    """``{{#path}}``, ``{{^path}}`` or ``{{#each path}}`` and its children."""

    path: str
    inverted: bool = False
    each: bool = False
    children: list[Node] = field(default_factory=list)


Node = Text | Variable | Content | Section


@dataclass
class Template:
    """A parsed template."""

    nodes: list[Node]
    content_placeholders: int

    def render(self, model: Any, *, escape_html: bool = True, content: str = "") -> str:
        """Render with ``model``; ``content`` fills a layout's ``{{{ @content }}}``."""
        out: list[str] = []
        _render(self.nodes, [model], out, escape_html, content)
        return "".join(out)

    def suggested_model(self) -> dict[str, Any]:
        """Every key the template reads, with Postmark's ``<key>_Value`` placeholders."""
        root: dict[str, Any] = {}
        _suggest(self.nodes, [root])
        return root


def parse(source: str) -> Template:
    """Parse ``source``; raises :class:`TemplateSyntaxError`."""
    return _Parser(source).parse()


def render(source: str, model: Any, *, escape_html: bool = True) -> str:
    """Parse and render in one step."""
    return parse(source).render(model, escape_html=escape_html)


def deep_merge(base: Any, override: Any) -> Any:
    """``override`` on top of ``base``, recursing into objects (TestRenderModel wins)."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value)
        return merged
    return override


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.root: list[Node] = []
        self.open: list[tuple[Section, int]] = []
        self.placeholders = 0

    def error(self, message: str, index: int) -> TemplateSyntaxError:
        line = self.source.count("\n", 0, index) + 1
        column = index - self.source.rfind("\n", 0, index)
        return TemplateSyntaxError(message, line, column)

    @property
    def current(self) -> list[Node]:
        return self.open[-1][0].children if self.open else self.root

    def parse(self) -> Template:
        pos = 0
        while (start := self.source.find("{{", pos)) >= 0:
            if start > pos:
                self.current.append(Text(self.source[pos:start]))
            pos = self.tag(start)
        if pos < len(self.source):
            self.current.append(Text(self.source[pos:]))
        if self.open:
            section, index = self.open[-1]
            raise self.error(f"The section '{section.path}' is never closed.", index)
        return Template(self.root, self.placeholders)

    def tag(self, start: int) -> int:
        """Read the tag at ``start``; return the index after it."""
        triple = self.source.startswith("{{{", start)
        opener, closer = ("{{{", "}}}") if triple else ("{{", "}}")
        end = self.source.find(closer, start + len(opener))
        if end < 0:
            raise self.error("A tag was opened with '{{' but never closed.", start)
        inner = self.source[start + len(opener) : end].strip()
        if triple:
            self.variable(inner, escape=False, index=start)
        else:
            self.mustache(inner, start)
        return end + len(closer)

    def mustache(self, inner: str, index: int) -> None:
        if not inner:
            raise self.error("Empty tag '{{}}'.", index)
        kind, rest = inner[0], inner[1:].strip()
        if kind == "!":
            return
        if inner == "#each":
            raise self.error("'{{#each}}' needs a collection path.", index)
        if each := _EACH.match(inner):
            self.push(Section(self.path(each.group(1).strip(), index), each=True), index)
        elif kind in "#^":
            self.push(Section(self.path(rest, index), inverted=kind == "^"), index)
        elif kind == "/":
            self.close(rest, index)
        elif kind == "&":
            self.variable(rest, escape=False, index=index)
        else:
            self.variable(inner, escape=True, index=index)

    def variable(self, path: str, *, escape: bool, index: int) -> None:
        if path == CONTENT_PLACEHOLDER and not escape:
            self.placeholders += 1
            self.current.append(Content())
            return
        self.current.append(Variable(self.path(path, index), escape))

    def path(self, path: str, index: int) -> str:
        if not _PATH.match(path):
            raise self.error(f"'{path}' is not a valid model path.", index)
        return path

    def push(self, section: Section, index: int) -> None:
        self.current.append(section)
        self.open.append((section, index))

    def close(self, name: str, index: int) -> None:
        if not self.open:
            raise self.error(f"Closing tag '{{{{/{name}}}}}' has no open section.", index)
        section, _ = self.open[-1]
        expected = "each" if section.each else section.path
        if name != expected:
            raise self.error(
                f"Closing tag '{{{{/{name}}}}}' does not match the open section '{expected}'.",
                index,
            )
        self.open.pop()


def _resolve(path: str, scopes: list[Any]) -> Any:
    """Look ``path`` up in the innermost scope (or an outer one via ``../``, root via ``~``)."""
    if path.startswith("~"):
        index, path = 0, path[1:]
    else:
        depth = 0
        while path.startswith("../"):
            depth, path = depth + 1, path[3:]
        index = len(scopes) - 1 - depth
    if index < 0:
        return None
    value = scopes[index]
    if path in (".", "this"):
        return value
    for part in path.removeprefix("this.").split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, (list, str)) and not value)


def _stringify(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _render(nodes: list[Node], scopes: list[Any], out: list[str], esc: bool, content: str) -> None:
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.value)
        elif isinstance(node, Content):
            out.append(content)
        elif isinstance(node, Variable):
            text = "" if node.path.startswith("pm:") else _stringify(_resolve(node.path, scopes))
            out.append(html.escape(text) if node.escape and esc else text)
        else:
            _render_section(node, scopes, out, esc, content)


def _render_section(
    node: Section, scopes: list[Any], out: list[str], esc: bool, content: str
) -> None:
    value = _resolve(node.path, scopes)
    if node.inverted:
        if not _truthy(value):
            _render(node.children, scopes, out, esc, content)
        return
    if node.each or isinstance(value, list):
        for item in value if isinstance(value, list) else []:
            _render(node.children, [*scopes, item], out, esc, content)
    elif _truthy(value):
        _render(node.children, [*scopes, value], out, esc, content)


def _suggest(nodes: list[Node], scopes: list[dict[str, Any]]) -> None:
    for node in nodes:
        if isinstance(node, Variable) and not node.path.startswith("pm:"):
            _place(scopes, node.path, None)
        elif isinstance(node, Section) and node.inverted:
            _place(scopes, node.path, None)
            _suggest(node.children, scopes)
        elif isinstance(node, Section):
            kind = "list" if node.each else "object"
            inner = _place(scopes, node.path, kind)
            if inner is not None:
                _suggest(node.children, [*scopes, inner])
                if not inner and _reads_item(node.children):
                    _place(scopes, node.path, "values" if node.each else None)


def _reads_item(nodes: list[Node]) -> bool:
    return any(isinstance(n, Variable) and n.path in (".", "this") for n in nodes)


def _place(scopes: list[dict[str, Any]], path: str, kind: str | None) -> dict[str, Any] | None:
    """Create ``path`` in the suggested model; return the dict a section scopes into."""
    depth = 0
    while path.startswith("../"):
        depth, path = depth + 1, path[3:]
    if path.startswith("~"):
        scope, path = scopes[0], path[1:]
    elif depth < len(scopes):
        scope = scopes[len(scopes) - 1 - depth]
    else:
        return None
    if path in (".", "this"):
        return scope
    parts = path.removeprefix("this.").split(".")
    for part in parts[:-1]:
        if not isinstance(scope.get(part), dict):
            scope[part] = {}
        scope = scope[part]
    last = parts[-1]
    if kind is None:
        if not scope.get(last):
            scope[last] = f"{last}_Value"
        return None
    if kind == "values":
        scope[last] = [f"{last}_Value"]
        return None
    if kind == "list":
        existing = scope.get(last)
        if not (isinstance(existing, list) and existing and isinstance(existing[0], dict)):
            scope[last] = [{}]
        element: dict[str, Any] = scope[last][0]
        return element
    if not isinstance(scope.get(last), dict):
        scope[last] = {}
    section: dict[str, Any] = scope[last]
    return section
