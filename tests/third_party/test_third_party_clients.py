"""Other Postmark clients against the sandbox, over real sockets.

postmarker, postmark-python (the official Python SDK) and npm postmark (the official
Node library) each run in their own environment, built by
``scripts/third-party-clients.sh`` under ``.third-party/`` (``.ci/run`` builds them).
For each client, a driver in ``drivers/`` calls every public method once against an
in-process sandbox and prints one JSON line per call; ``expectations.py`` says what
each call must do. Without the environments these tests skip, saying how to build
them; with ``THIRD_PARTY_CLIENTS=required`` (as in CI) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from postmark.sandbox import Sandbox

from .expectations import POSTMARK_NODE, POSTMARK_PYTHON, POSTMARKER, Expect

ROOT = Path(__file__).resolve().parents[2]
ENVS = ROOT / ".third-party"
DRIVERS = Path(__file__).resolve().parent / "drivers"
SERVER_TOKEN = "third-party-server-token"
ACCOUNT_TOKEN = "third-party-account-token"


@dataclass(frozen=True)
class Client:
    name: str
    table: dict[str, Expect]
    built: Path  # present once the environment is built
    command: list[str]  # runs the driver; the config JSON is appended
    env: dict[str, str] = field(default_factory=dict)


CLIENTS = {
    client.name: client
    for client in (
        Client(
            "postmarker",
            POSTMARKER,
            ENVS / "postmarker/bin/python",
            # -I: neither PYTHONPATH nor the working directory, so never this repo's postmark
            [str(ENVS / "postmarker/bin/python"), "-I", str(DRIVERS / "postmarker_driver.py")],
        ),
        Client(
            "postmark-python",
            POSTMARK_PYTHON,
            ENVS / "postmark-python/bin/python",
            [
                str(ENVS / "postmark-python/bin/python"),
                "-I",
                str(DRIVERS / "postmark_python_driver.py"),
            ],
        ),
        Client(
            "postmark-node",
            POSTMARK_NODE,
            ENVS / "node/node_modules/postmark/package.json",
            ["node", str(DRIVERS / "postmark_node_driver.js")],
            {"NODE_PATH": str(ENVS / "node/node_modules")},
        ),
    )
}


@dataclass
class Run:
    calls: dict[str, list[dict[str, Any]]]  # call name -> its lines, in order
    surface: list[str]


def run_driver(client: Client) -> Run:
    if not client.built.exists() or (client.command[0] == "node" and not shutil.which("node")):
        message = (
            f"{client.name}'s environment is not built ({client.built.relative_to(ROOT)} "
            "missing): run scripts/third-party-clients.sh"
        )
        if os.environ.get("THIRD_PARTY_CLIENTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    with Sandbox(account_tokens=[ACCOUNT_TOKEN]) as sandbox:
        inbound = {"From": "someone@example.net", "To": "inbox@example.com"}
        config = {
            "url": sandbox.url,
            "server_token": SERVER_TOKEN,
            "account_token": ACCOUNT_TOKEN,
            "blocked_inbound": sandbox.receive_inbound(inbound, status="blocked")["MessageID"],
            "failed_inbound": sandbox.receive_inbound(inbound, status="failed")["MessageID"],
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMARK_")}
        done = subprocess.run(
            [*client.command, json.dumps(config)],
            capture_output=True,
            text=True,
            timeout=180,
            env={**env, **client.env},
            cwd=DRIVERS,
        )
    assert done.returncode == 0, f"{client.name} driver failed:\n{done.stdout}\n{done.stderr}"
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert lines and "surface" in lines[-1], f"no surface line:\n{done.stdout}\n{done.stderr}"
    calls: dict[str, list[dict[str, Any]]] = {}
    for line in lines[:-1]:
        calls.setdefault(line["call"], []).append(line)
    return Run(calls, lines[-1]["surface"])


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Each driver's run, made once per module on first use (:func:`result_of`)."""
    return {}


def result_of(runs: dict[str, Run], name: str) -> Run:
    if name not in runs:
        runs[name] = run_driver(CLIENTS[name])
    return runs[name]


@pytest.mark.parametrize("name", CLIENTS)
def test_the_table_names_every_call_the_client_offers(runs: dict[str, Run], name: str) -> None:
    run = result_of(runs, name)
    table = set(CLIENTS[name].table)
    assert sorted(set(run.surface) - table) == [], "calls missing from expectations.py"
    assert sorted(table - set(run.surface)) == [], "expectations.py names calls the client lacks"
    assert sorted(set(run.surface) - set(run.calls)) == [], "calls the driver did not make"
    assert sorted(set(run.calls) - set(run.surface)) == [], "driver calls outside the surface"


@pytest.mark.parametrize(
    ("name", "call"), [(name, call) for name, c in CLIENTS.items() for call in c.table]
)
def test_call(runs: dict[str, Run], name: str, call: str) -> None:
    expected = CLIENTS[name].table[call]
    lines = result_of(runs, name).calls.get(call)
    assert lines, f"the {name} driver did not report {call}"
    for line in lines:
        seen = f"{line['result']}: {line.get('request')} -> {line.get('status')}"
        seen += f" {line['error']}" if line.get("error") else ""
        assert line["result"] == expected.result, (
            f"{name} {call}: expected {expected.result}"
            + (f" ({expected.reason})" if expected.reason else "")
            + f", got {seen}"
        )
