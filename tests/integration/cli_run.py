"""Running the ``postmark`` command as a subprocess of the worktree's Python."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SECRET = "cli-secret-token-123"
#: ``postmark send`` with a complete message.
SEND = (
    "send",
    "--from",
    "me@example.com",
    "--to",
    "a@example.com",
    "--subject",
    "s",
    "--text",
    "t",
)


def postmark(
    url: str | Any | None,
    *args: str,
    token: str | None = SECRET,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m postmark ARGS`` with POSTMARK_API_URL=url (a URL or a Sandbox)."""
    return subprocess.run(
        [sys.executable, "-m", "postmark", *args],
        capture_output=True,
        text=True,
        env=environment(url, token, env),
        cwd=cwd or ROOT,
        timeout=timeout,
        check=False,
    )


def started(url: str | Any, *args: str, token: str | None = SECRET) -> subprocess.Popen[str]:
    """``python -m postmark ARGS`` running in the background (the caller waits or kills it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "postmark", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(url, token),
        cwd=ROOT,
    )


def environment(
    url: str | Any | None, token: str | None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """This process's environment without POSTMARK_* settings, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
    # This checkout's package, whatever is installed in the interpreter's site-packages.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if url is not None:
        env["POSTMARK_API_URL"] = url if isinstance(url, str) else url.url
    if token is not None:
        env["POSTMARK_SERVER_TOKEN"] = token
    env.update(extra or {})
    return env


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """No traceback and never the token, whatever happened."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert SECRET not in output


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def batch_results(path: Path) -> list[dict[str, Any]]:
    """The result lines of a ``postmark batch`` results file (not its ``sending`` records)."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [entry for entry in entries if "line" in entry]
