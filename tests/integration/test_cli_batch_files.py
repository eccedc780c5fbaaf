"""``postmark batch`` with files as people have them, and runs that cannot succeed.

Real sockets throughout: the in-process sandbox, a closed port, and a tiny
HTTP server that refuses every token and counts the requests it got.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from postmark.sandbox import Sandbox

from .cli_run import assert_clean, batch_results, closed_port, postmark

HEADER = ["from", "to", "subject", "text_body"]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def rows(count: int) -> list[list[str]]:
    return [["me@example.com", f"user{i}@example.com", f"Café {i}", "Grüße"] for i in range(count)]


def write(path: Path, lines: list[list[str]], *, delimiter: str, encoding: str, bom: bool) -> Path:
    text = "\r\n".join(delimiter.join(line) for line in [HEADER, *lines]) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom", "options"),
    [
        (",", "utf-8", True, []),  # Excel's "CSV UTF-8"
        (";", "utf-8", True, []),  # Excel in locales with a decimal comma
        (";", "utf-8", False, []),
        ("\t", "utf-8", False, []),
        (",", "cp1252", False, ["--encoding", "cp1252"]),  # Excel's plain "CSV" on Windows
    ],
    ids=["bom-comma", "bom-semicolon", "semicolon", "tab", "cp1252"],
)
def test_every_row_is_sent(
    sandbox: Sandbox,
    tmp_path: Path,
    delimiter: str,
    encoding: str,
    bom: bool,
    options: list[str],
) -> None:
    source = write(tmp_path / "m.csv", rows(3), delimiter=delimiter, encoding=encoding, bom=bom)
    result = postmark(sandbox, "batch", str(source), "--results", str(tmp_path / "r"), *options)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean(result)
    assert result.stdout.startswith("sent 3, already sent before 0, failed 0;")
    stored = sandbox.messages()
    assert [m["To"] for m in stored] == [f"user{i}@example.com" for i in range(3)]
    assert [m["Subject"] for m in stored] == ["Café 0", "Café 1", "Café 2"]
    assert {m["TextBody"] for m in stored} == {"Grüße"}
    assert {m["From"] for m in stored} == {"me@example.com"}


def test_header_typo_exits_2_before_sending(sandbox: Sandbox, tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text("from;to;subjcet;text_body\nme@example.com;a@example.com;Hi;x\n")
    results = tmp_path / "r.jsonl"
    result = postmark(sandbox, "batch", str(source), "--results", str(results))
    assert result.returncode == 2
    assert "unknown column 'subjcet'; did you mean 'subject'?" in result.stderr
    assert sandbox.messages() == []
    assert not results.exists()


def test_failures_are_counted_by_reason_on_screen(sandbox: Sandbox, tmp_path: Path) -> None:
    lines = rows(5)
    lines[1][1] = "not-an-address"
    lines[3][1] = "not-an-address"
    lines[4][2] = ""  # no subject
    source = write(tmp_path / "m.csv", lines, delimiter=",", encoding="utf-8", bom=False)
    result = postmark(sandbox, "batch", str(source), "--results", str(tmp_path / "r"))
    assert result.returncode == 1
    summary = result.stdout.splitlines()
    assert summary[0].startswith("sent 2, already sent before 0, failed 3;")
    # The bad addresses are refused before sending; the missing subject by Postmark.
    assert summary[1].startswith("  2 x invalid input: To address 'not-an-address'")
    assert summary[2].startswith("  1 x ErrorCode 300")
    assert len(summary) == 3


class RefusingServer(ThreadingHTTPServer):
    """Answers every request 401 as Postmark does for a wrong token, and counts them."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Refuse)
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Refuse(BaseHTTPRequestHandler):
    server: RefusingServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        body = json.dumps({"ErrorCode": 10, "Message": "Bad or missing Server API token."})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing() -> Iterator[RefusingServer]:
    server = RefusingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_wrong_token_stops_after_the_first_request(
    refusing: RefusingServer, tmp_path: Path
) -> None:
    source = write(tmp_path / "m.csv", rows(1200), delimiter=",", encoding="utf-8", bom=False)
    results = tmp_path / "r.jsonl"
    result = postmark(refusing.url, "batch", str(source), "--results", str(results))
    assert refusing.requests == 1  # 3 requests of 500, 500, 200 without the stop
    assert result.returncode == 1
    assert_clean(result)
    assert result.stderr.splitlines() == [
        f"postmark: error: stopped at the first failed request: {refusing.url} refused the "
        "token (HTTP 401: Bad or missing Server API token.); "
        "check --token or POSTMARK_SERVER_TOKEN"
    ]
    assert "failed 500; not attempted 700;" in result.stdout
    assert len(batch_results(results)) == 500  # the request's 500 failed; no others


def test_wrong_token_then_right_token_sends_everything_once(tmp_path: Path) -> None:
    source = write(tmp_path / "m.csv", rows(600), delimiter=",", encoding="utf-8", bom=False)
    results = tmp_path / "r.jsonl"
    with Sandbox(tokens=["right-token-0001"]) as server:
        wrong = postmark(server, "batch", str(source), "--results", str(results))
        assert wrong.returncode == 1 and server.messages() == []
        right = postmark(
            server, "batch", str(source), "--results", str(results), token="right-token-0001"
        )
        assert right.returncode == 0, right.stderr
        assert right.stdout.startswith("sent 600, already sent before 0, failed 0;")
        assert len(server.messages()) == 600


def test_unreachable_server_stops_with_exit_4(tmp_path: Path) -> None:
    source = write(tmp_path / "m.csv", rows(1200), delimiter=",", encoding="utf-8", bom=False)
    url = f"http://127.0.0.1:{closed_port()}"
    result = postmark(url, "--retries", "0", "batch", str(source), "--results", str(tmp_path / "r"))
    assert result.returncode == 4
    assert result.stderr.splitlines() == [
        f"postmark: error: stopped at the first failed request: cannot reach {url} "
        "(connection refused); check --base-url / POSTMARK_API_URL and the network"
    ]
    assert "not attempted 700" in result.stdout


def test_tls_to_a_plain_http_server_stops_with_exit_4(sandbox: Sandbox, tmp_path: Path) -> None:
    source = write(tmp_path / "m.csv", rows(600), delimiter=",", encoding="utf-8", bom=False)
    https = sandbox.url.replace("http://", "https://")
    result = postmark(https, "batch", str(source), "--results", str(tmp_path / "r"))
    assert result.returncode == 4
    assert "the server does not speak TLS" in result.stderr
    assert "not attempted 100" in result.stdout
    assert sandbox.messages() == []
