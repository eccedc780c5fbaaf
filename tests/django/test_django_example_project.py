"""examples/django_project works: it sends to a sandbox and receives webhooks.

The project has its own settings, so it runs in fresh interpreters
(``manage.py``), against a sandbox started here.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from postmark.sandbox import Sandbox

PROJECT = pathlib.Path(__file__).parents[2] / "examples" / "django_project"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def manage(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POSTMARK_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["POSTMARK_API_URL"] = sandbox.url
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_project_passes_django_checks(sandbox: Sandbox) -> None:
    result = manage(sandbox, "check")
    assert result.returncode == 0, result.stderr


def test_sendtestemail_goes_through_the_backend_to_the_sandbox(sandbox: Sandbox) -> None:
    sandbox.clear()
    result = manage(sandbox, "sendtestemail", "ada@example.com")
    assert result.returncode == 0, result.stderr
    (stored,) = sandbox.messages()
    assert stored["Recipients"] == ["ada@example.com"]
    assert stored["From"] == "Example <hello@example.com>"
    assert stored["TrackOpens"] is True


SCRIPT = """
import json, pathlib
from django.test import Client
from postmark.webhooks import basic_auth_header
client = Client(SERVER_NAME="localhost")
assert client.get("/").status_code == 200
page = client.post("/send/", {"to": "grace@example.com"}).content.decode()
print("PAGE", page.split("<p>")[-1].split("</p>")[0])
body = pathlib.Path("../../tests/webhooks/bounce.json").read_bytes()
auth = basic_auth_header("postmark", "change-me")
ok = client.post("/postmark/events", body, content_type="application/json",
                 HTTP_AUTHORIZATION=auth)
denied = client.post("/postmark/events", body, content_type="application/json")
print("STATUS", ok.status_code, denied.status_code)
"""


def test_send_view_and_webhooks(sandbox: Sandbox) -> None:
    sandbox.clear()
    result = manage(sandbox, "shell", "-c", SCRIPT)
    assert result.returncode == 0, result.stderr
    (stored,) = sandbox.messages()
    assert stored["Tag"] == "welcome"
    assert stored["Metadata"] == {"source": "example-project"}
    assert f"MessageID {stored['MessageID']}" in result.stdout
    assert "STATUS 200 401" in result.stdout
    # The project's receivers logged the bounce (LOGGING sends them to stderr).
    assert "bounce: no.such.user@example.com is now inactive (HardBounce)" in result.stderr
    assert "webhook: Bounce for message f105174b" in result.stderr
