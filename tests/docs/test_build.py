"""The documentation builds without a single warning, and its reference is complete.

Skipped only when Sphinx is not installed; the ``dev`` extra installs it
(with furo and myst-parser), so CI always builds. The build runs in a
subprocess, as a user would run it, into a temporary directory.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_blocks import DOCS, ROOT

pytest.importorskip("sphinx", reason="Sphinx builds the docs; pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    out = tmp_path_factory.mktemp("html")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d",
         str(out / ".doctrees"), str(DOCS), str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"sphinx -W failed:\n{result.stderr}\n{result.stdout}"
    yield out, result.stderr


def test_docs_build_without_warnings(built: tuple[Path, str]) -> None:
    out, stderr = built
    assert "WARNING" not in stderr and "ERROR" not in stderr, stderr
    for page in ("index", "quickstart", "api", "django", "migrating", "postmarker", "changelog"):
        assert (out / f"{page}.html").is_file(), page
    assert "Changelog" in (out / "changelog.html").read_text(encoding="utf-8")


def inventory(out: Path) -> set[str]:
    """The Python objects the build documented (objects.inv, read without Sphinx's API)."""
    raw = (out / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):  # four text lines, then zlib-compressed entries
        header_end = raw.index(b"\n", header_end) + 1
    names = set()
    for line in zlib.decompress(raw[header_end:]).decode("utf-8").splitlines():
        name, role = line.split(" ", 2)[:2]
        if role.startswith("py:"):
            names.add(name)
    return names


def public_names() -> list[str]:
    """Every public name the reference must document."""
    names = []
    for module_name in (
        "postmark",
        "postmark.webhooks",
        "postmark.tornado",
        "postmark.django",
        "postmark.django.signals",
        "postmark.django.views",
        "postmark.sandbox",
    ):
        module = importlib.import_module(module_name)
        names += [f"{module_name}.{name}" for name in module.__all__]
    names += [
        "postmark.testing.Outbox",
        "postmark.testing.postmark_outbox",
        "postmark.testing.postmark_sandbox",
        "postmark.sandbox.Sandbox.inject_fault",
        "postmark.ServerClient.request",
        "postmark.AccountClient.request",
    ]
    from postmark.api.base import Section

    for path in sorted((ROOT / "postmark" / "api").glob("*.py")):
        module = importlib.import_module(f"postmark.api.{path.stem}")
        for name, cls in vars(module).items():
            own = inspect.isclass(cls) and cls.__module__ == module.__name__
            if own and issubclass(cls, Section):
                names.append(f"{module.__name__}.{name}")
                names += [
                    f"{module.__name__}.{name}.{method}"
                    for method, value in vars(cls).items()
                    if not method.startswith("_") and callable(value)
                ]
    return names


def test_reference_documents_every_public_name(built: tuple[Path, str]) -> None:
    documented = inventory(built[0])
    expected = public_names()
    assert len(expected) > 200
    missing = sorted(name for name in expected if name not in documented)
    assert not missing, f"not in the API reference: {missing}"
