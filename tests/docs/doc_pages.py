"""Running a page's examples: one namespace per page, like a notebook.

The blocks of one page run in order and share a namespace, a working
directory and the sandbox's contents, so a later block can use what an
earlier one defined or sent. Each page starts with an empty sandbox and a
fresh directory holding the files its examples open (``GIVEN_FILES``).

Around every block (see :meth:`Page.activated`):

* ``POSTMARK_API_URL`` points at the in-process sandbox, and
  ``POSTMARK_SERVER_TOKEN`` / ``POSTMARK_ACCOUNT_TOKEN`` hold dummy tokens
  (the sandbox accepts any), also as Django settings when Django is configured;
* requests go through :mod:`doc_stub` (endpoints the sandbox lacks are
  stubbed; nothing leaves the machine);
* Django settings and the URLconf set by the page's ``django-settings`` and
  ``django-urls`` blocks apply, and ``tornado.options`` is the page's own
  parser, so ``define()`` in one page cannot clash with another.
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import doc_stub
import pytest
from doc_blocks import Block

from postmark.sandbox import Sandbox

SERVER_TOKEN = "docs-server-token"
ACCOUNT_TOKEN = "docs-account-token"

_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

#: Files in the working directory of every page's examples.
GIVEN_FILES: dict[str, bytes] = {
    "report.pdf": _PDF,
    "receipt.pdf": _PDF,
    "logo.png": _PNG,
    "message.json": json.dumps(
        {
            "From": "support@example.com",
            "To": "ada@example.com",
            "Subject": "Your receipt",
            "TextBody": "Thanks for your order.",
            "MessageStream": "outbound",
        }
    ).encode(),
    "message.eml": (
        b"From: Support <support@example.com>\r\nTo: ada@example.com\r\n"
        b"Subject: Your receipt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Thanks for your order.\r\n"
    ),
    "messages.csv": (
        b"from,to,subject,text_body,tag\r\n"
        b"support@example.com,ada@example.com,Your receipt,Thanks!,receipt\r\n"
        b"support@example.com,grace@example.com,Your receipt,Thanks!,receipt\r\n"
    ),
    "messages.jsonl": (
        b'{"From": "support@example.com", "To": "ada@example.com", "Subject": "Hi", '
        b'"TextBody": "Hello"}\n'
        b'{"sender": "support@example.com", "to": "grace@example.com", "subject": "Hi", '
        b'"text_body": "Hello"}\n'
    ),
    "templates/welcome/meta.json": json.dumps(
        {"Name": "Welcome", "Alias": "welcome", "Subject": "Welcome, {{name}}"}
    ).encode(),
    "templates/welcome/content.html": b"<p>Hello {{name}}</p>",
    "templates/welcome/content.txt": b"Hello {{name}}",
}


def django_configured() -> bool:
    try:
        from django.conf import settings
    except ImportError:
        return False
    return bool(settings.configured)


def _mailers_era() -> bool:
    """Django 6.1 configures backends with MAILERS and refuses EMAIL_BACKEND beside it."""
    import django

    return django.VERSION >= (6, 1)


class Page:
    """The state shared by the blocks of one page."""

    def __init__(self, path: Path, sandbox: Sandbox, workdir: Path) -> None:
        self.path = path
        self.sandbox = sandbox
        self.workdir = workdir
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.done = 0  # blocks of this page already run
        self.django_settings: dict[str, Any] = {}
        self._override: Any = None
        self._tornado_parser: Any = None
        self._signals: dict[Any, list[Any]] = {}
        self._urlconfs: list[str] = []
        for name, content in GIVEN_FILES.items():
            target = workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        sandbox.clear()
        if django_configured():
            from postmark.django import signals

            self._signals = {
                signal: list(signal.receivers)
                for signal in (*signals.SIGNALS.values(), signals.webhook_event)
            }

    # -- around each block -------------------------------------------------------

    @contextlib.contextmanager
    def activated(self, monkeypatch: pytest.MonkeyPatch, *, stub: bool = True) -> Iterator[None]:
        """The page's environment around a block; ``stub=False``: no endpoint is stubbed."""
        monkeypatch.setenv("POSTMARK_API_URL", self.sandbox.url)
        monkeypatch.setenv("POSTMARK_SERVER_TOKEN", SERVER_TOKEN)
        monkeypatch.setenv("POSTMARK_ACCOUNT_TOKEN", ACCOUNT_TOKEN)
        monkeypatch.chdir(self.workdir)
        self._swap_tornado_options(monkeypatch)
        self.apply_django()
        try:
            with doc_stub.mock(stub=stub):
                yield
        finally:
            self._disable_django()

    def _swap_tornado_options(self, monkeypatch: pytest.MonkeyPatch) -> None:
        try:
            import tornado.options
        except ImportError:
            return
        if self._tornado_parser is None:
            self._tornado_parser = tornado.options.OptionParser()
        monkeypatch.setattr(tornado.options, "options", self._tornado_parser)

    def apply_django(self) -> None:
        """(Re)apply the page's Django settings, with the sandbox as the API URL.

        Pages without ``django-settings`` blocks leave Django's settings alone:
        they hold no POSTMARK_* values, so the environment set above applies.
        """
        if not django_configured():
            return
        from django.test import override_settings

        self._disable_django()
        if not self.django_settings:
            return  # no POSTMARK_* Django settings: the environment applies
        values = {**self.django_settings, "POSTMARK_API_URL": self.sandbox.url}
        self._override = override_settings(**values)
        self._override.enable()

    def _disable_django(self) -> None:
        if self._override is not None:
            self._override.disable()
            self._override = None

    # -- what blocks leave behind ------------------------------------------------

    def add_django_settings(self, namespace: dict[str, Any]) -> None:
        values = {name: value for name, value in namespace.items() if name.isupper()}
        if _mailers_era() and "EMAIL_BACKEND" in values:
            backend = values.pop("EMAIL_BACKEND")
            values.setdefault("MAILERS", {"default": {"BACKEND": backend}})
        elif not _mailers_era():
            values.pop("MAILERS", None)  # a 6.1 setting; older Django ignores it anyway
        self.django_settings.update(values)
        self.apply_django()

    def add_urlconf(self, block: Block, namespace: dict[str, Any]) -> None:
        name = f"docs_urls_{block.path.stem}_{block.line}"
        module = types.ModuleType(name)
        module.__dict__.update(namespace)
        sys.modules[name] = module
        self._urlconfs.append(name)
        self.django_settings["ROOT_URLCONF"] = name
        self.apply_django()

    def close(self) -> None:
        self._disable_django()
        for signal, receivers in self._signals.items():
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()
        for name in self._urlconfs:
            sys.modules.pop(name, None)
        self.namespace.clear()


class Pages:
    """One :class:`Page` at a time: moving to another page closes the previous one."""

    def __init__(self, sandbox: Sandbox, tmp: pytest.TempPathFactory) -> None:
        self.sandbox = sandbox
        self.tmp = tmp
        self.current: Page | None = None

    def get(self, path: Path) -> Page:
        if self.current is None or self.current.path != path:
            self.close()
            workdir = self.tmp.mktemp(path.stem)
            self.current = Page(path, self.sandbox, workdir)
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None
