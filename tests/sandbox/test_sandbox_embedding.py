"""The embedding API, the module entry point and the import rules."""

from __future__ import annotations

import ast
import inspect
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import postmark.sandbox
from postmark.sandbox import Sandbox, serve

SANDBOX_DIR = Path(postmark.sandbox.__file__).parent
FORBIDDEN = (
    "requests",
    "postmark.client",
    "postmark.api",
    "postmark.transport",
    "postmark.core",
    "postmark.exceptions",
    "postmark.payloads",
)


def test_url_and_port() -> None:
    with Sandbox() as sandbox:
        url = sandbox.url
        assert url == f"http://127.0.0.1:{sandbox.port}"
        assert not url.endswith("/")
        with urllib.request.urlopen(url + "/__sandbox/health", timeout=5) as response:
            assert json.load(response)["Status"] == "OK"
    with pytest.raises(urllib.error.URLError):  # stopped: nothing listens any more
        urllib.request.urlopen(url + "/__sandbox/health", timeout=2)


def test_not_running_raises() -> None:
    sandbox = Sandbox()
    for call in (
        lambda: sandbox.url,
        sandbox.messages,
        sandbox.clear,
        lambda: sandbox.inject_fault("429"),
    ):
        with pytest.raises(RuntimeError):
            call()
    sandbox.stop()  # harmless


def test_public_signatures() -> None:
    params = inspect.signature(Sandbox).parameters
    assert list(params)[:6] == ["port", "host", "db", "tokens", "account_tokens", "server_name"]
    assert [params[n].default for n in list(params)[:6]] == [
        0,
        "127.0.0.1",
        ":memory:",
        None,
        None,
        "Sandbox",
    ]
    serve_params = inspect.signature(serve).parameters
    positional = [n for n, p in serve_params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == ["port", "host", "db", "tokens"]  # keyword-only options may follow
    assert serve_params["webhook_retry_scale"].kind is inspect.Parameter.KEYWORD_ONLY
    assert serve_params["allowed_hosts"].kind is inspect.Parameter.KEYWORD_ONLY
    fault = inspect.signature(Sandbox.inject_fault).parameters
    assert list(fault) == ["self", "kind", "count", "seconds", "path"]


def _imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports."""
    package = ".".join(path.relative_to(SANDBOX_DIR.parent.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            )
            names.add(".".join([*base, node.module] if node.module else base))
    return names


def test_sandbox_sources_import_only_the_standard_library() -> None:
    stdlib = set(sys.stdlib_module_names)
    for path in SANDBOX_DIR.rglob("*.py"):
        for name in _imports(path):
            allowed = name.split(".")[0] in stdlib or name.startswith("postmark.sandbox")
            assert allowed, (path, name)


# Load postmark.sandbox without running postmark/__init__.py, so the check is
# about the sandbox's own imports whatever the package root imports.
_ISOLATED = (
    "import sys, types; root = types.ModuleType('postmark'); "
    f"root.__path__ = [{str(SANDBOX_DIR.parent)!r}]; sys.modules['postmark'] = root; "
    "import postmark.sandbox; "
    f"print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])"
)


def test_the_sandbox_loads_no_client_code() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _ISOLATED], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_importing_the_sandbox_adds_no_client_code_to_the_package() -> None:
    """Whatever ``import postmark`` loads, ``postmark.sandbox`` adds nothing from the client."""
    code = (
        "import sys, postmark; before = set(sys.modules); import postmark.sandbox; "
        f"print(sorted(m for m in set(sys.modules) - before if m.startswith({FORBIDDEN!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_python_m_runs_in_the_foreground(tmp_path: Path) -> None:
    db = tmp_path / "fg.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "postmark.sandbox", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Postmark sandbox running at http://127.0.0.1:"), first
        url = first.split(" at ")[1].strip()
        with urllib.request.urlopen(url + "/__sandbox/health", timeout=5) as response:
            assert json.load(response)["Url"] == url
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopped" in out
    assert db.exists()


def test_python_m_reports_a_busy_port() -> None:
    with Sandbox() as busy:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "postmark.sandbox",
                "--port",
                str(busy.port),
                "--db",
                ":memory:",
            ],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert result.returncode == 2
    assert "--port" in result.stderr and "Traceback" not in result.stderr
