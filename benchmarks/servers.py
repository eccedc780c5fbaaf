"""The servers the benchmark talks to, all on 127.0.0.1 high ports, all stopped at the end.

* :class:`Nginx`: Debian's nginx with a config file, pid file, logs and temp
  directories of its own under a temporary directory, serving canned
  Postmark answers over HTTPS (a throw-away CA signs its certificate). The
  system nginx (``/etc/nginx``, port 80, its service) is never used or touched.
* :class:`Sandbox`: ``python -m postmark.sandbox`` in its own process (plain
  HTTP), used behind the latency proxy where every message must be counted.
* :class:`LatencyProxy`: ``latency_proxy.py`` in its own process.
* :class:`RecordingBatchServer`: ``POST /email/batch`` answered after a fixed
  delay (50 ms), concurrent requests each waiting their own delay, every
  message recorded with the MessageID it was given (the parallel scenario's
  server, behind the latency proxy).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: Messages per batch request; the canned batch answer has exactly this many entries.
BATCH_SIZE = 500


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the kernel picks from its high, ephemeral range)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Return once something accepts connections on ``port``; fail if ``process`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process this benchmark started (by its pid), then reap it."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# --------------------------------------------------------------------------
# Canned Postmark answers


def send_answer(index: int = 0) -> dict[str, object]:
    """Postmark's answer to one accepted message (API.md, POST /email)."""
    return {
        "To": "receiver@example.com",
        "SubmittedAt": "2024-05-01T12:00:00.0000000-04:00",
        "MessageID": f"0a129aee-e1cd-480d-b08d-{index:012d}",
        "ErrorCode": 0,
        "Message": "OK",
    }


def batch_answer() -> list[dict[str, object]]:
    return [send_answer(i) for i in range(BATCH_SIZE)]


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


# --------------------------------------------------------------------------
# TLS: a throw-away CA and a server certificate for 127.0.0.1


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) made with openssl in ``folder``."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is needed (apt-get install -y openssl)")
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    key, csr, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    ext = folder / "server.ext"
    ext.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        [
            "openssl",
            "req",
            "-x509",
            *ec,
            "-keyout",
            ca_key,
            "-out",
            ca_cert,
            "-days",
            "2",
            "-subj",
            "/CN=python-postmark benchmark CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        ["openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca_cert,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-out",
            cert,
            "-days",
            "2",
            "-extfile",
            ext,
        ],
    ]
    for command in commands:
        subprocess.run([str(c) for c in command], check=True, capture_output=True, timeout=60)
    return ca_cert, cert, key


# --------------------------------------------------------------------------
# nginx


def ensure_nginx() -> str:
    """The nginx binary; installs Debian's package when it is missing (needs root)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
    )
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError("nginx is missing; install it with: apt-get install -y nginx")
    print("installing nginx (apt-get install -y nginx) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=300)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"],
        check=True,
        env=env,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("nginx") or "/usr/sbin/nginx"


NGINX_CONF = """\
# python-postmark benchmark: a private nginx, nothing shared with the system one.
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_max_body_size 64m;
    default_type application/json;
    open_file_cache max=16 inactive=1h;
    open_file_cache_valid 1h;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /email {{ return 200 '{send}'; }}
        # The 500-entry answer is too long for a config string: it is a file.
        # nginx serves files to GET only, so a POST is answered 405, which
        # error_page turns into an internal GET of the file, status 200.
        root {tmp}/www;
        location = /email/batch {{ return 405; error_page 405 =200 /canned/batch.json; }}
        location /canned/ {{ internal; }}
        location / {{ return 404 '{{"ErrorCode":404,"Message":"not canned"}}'; }}
    }}
}}
"""


class Nginx:
    """Debian's nginx serving canned Postmark answers over HTTPS keep-alive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "nginx"
        self.folder.mkdir()
        # nginx's worker runs as an unprivileged user: it must be able to
        # read the canned answers (mkdtemp makes its folder private).
        for path in (folder, self.folder):
            path.chmod(0o755)
        self.binary = ensure_nginx()
        self.ca, cert, key = make_certificates(self.folder)
        self.port = free_port()
        self.conf = self.folder / "nginx.conf"
        self.conf.write_text(
            NGINX_CONF.format(
                tmp=self.folder,
                port=self.port,
                cert=cert,
                key=key,
                send=_compact(send_answer()),
            )
        )
        canned = self.folder / "www" / "canned"
        canned.mkdir(parents=True)
        (canned / "batch.json").write_text(_compact(batch_answer()))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        # -p and -e keep nginx away from /usr/share/nginx and /var/log/nginx.
        command = [
            self.binary,
            "-p",
            str(self.folder),
            "-e",
            str(self.folder / "error.log"),
            "-c",
            str(self.conf),
        ]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True, timeout=30)
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        try:
            wait_for_port(self.port, self.process)
            self._check()
        except BaseException:
            self.stop()
            raise

    def _check(self) -> None:
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca))
        request = urllib.request.Request(f"{self.url}/email/batch", data=b"[]", method="POST")
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            if len(json.loads(answer.read())) != BATCH_SIZE:
                raise RuntimeError("nginx does not serve the canned batch answer")

    def stop(self) -> None:
        # SIGQUIT: graceful shutdown of master and worker.
        stop(self.process, signal.SIGQUIT)


# --------------------------------------------------------------------------
# The sandbox and the latency proxy, each in a process of its own


# CA settings would override what each client is told to trust (requests lets
# CURL_CA_BUNDLE beat Session.verify); Django settings would change the library.
# PYTHONDONTWRITEBYTECODE would make every fresh interpreter compile this
# checkout's edited modules again, while installed packages import compiled
# bytecode: imports are measured as an installed package would be imported.
_DROPPED = frozenset(
    {
        "DJANGO_SETTINGS_MODULE",
        "PYTHONPATH",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "SSL_CERT_FILE",
        "PYTHONDONTWRITEBYTECODE",
    }
)


def python_env(with_repo: bool = True) -> dict[str, str]:
    """The environment for a child Python: no proxies, no Postmark or Django settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POSTMARK_")
        and k not in _DROPPED
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    if with_repo:
        env["PYTHONPATH"] = str(REPO)
    return env


class Sandbox:
    """``python -m postmark.sandbox`` on a free port with an in-memory database."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "postmark.sandbox",
            "--port",
            str(self.port),
            "--db",
            ":memory:",
        ]
        # Its request log (one line per request, on stderr) is not wanted here.
        self.process = subprocess.Popen(
            command,
            env=python_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def messages(self) -> list[dict[str, object]]:
        """Every stored message, oldest first (the admin listing pages 500 at a time)."""
        found: list[dict[str, object]] = []
        while True:
            url = f"{self.url}/__sandbox/messages?count=500&offset={len(found)}"
            with urllib.request.urlopen(url, timeout=60) as answer:
                page = json.loads(answer.read())
            found += page["Messages"]
            if not page["Messages"] or len(found) >= page["TotalCount"]:
                return found

    def clear(self) -> None:
        request = urllib.request.Request(f"{self.url}/__sandbox/messages", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()

    def stop(self) -> None:
        stop(self.process, signal.SIGINT)


class LatencyProxy:
    """``latency_proxy.py``: forwards to ``target_port`` adding ``delay`` each way."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.port = free_port()
        self.target_port = target_port
        self.delay = delay
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable,
            str(HERE / "latency_proxy.py"),
            str(self.port),
            str(self.target_port),
            str(self.delay),
        ]
        self.process = subprocess.Popen(command, env=python_env(False), stdin=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        stop(self.process)


# --------------------------------------------------------------------------
# A batch endpoint that takes 50 ms per request and records every message


#: Postmark's answer to one accepted batch message (API.md 3.3): MessageID and To filled in.
#: A template, not a dict and json.dumps: the server's own CPU per message must stay
#: well below the client's, or it would be the server that the parallel scenario measures.
_BATCH_ENTRY = (
    '{"ErrorCode":0,"Message":"OK","MessageID":"%s",'
    '"SubmittedAt":"2024-05-01T12:00:00.0000000-04:00","To":%s}'
)


def batch_answer_body(messages: list[object], ids: list[str]) -> bytes:
    """The JSON array answering ``messages``, one accepted entry with its MessageID each."""
    dumps = json.dumps
    entries = [
        _BATCH_ENTRY % (message_id, dumps(m.get("To", "") if isinstance(m, dict) else ""))
        for m, message_id in zip(messages, ids, strict=True)
    ]
    return ("[" + ",".join(entries) + "]").encode()


class RecordingBatchServer:
    """``POST /email/batch`` over plain HTTP/1.1 keep-alive, answered ``delay`` seconds later.

    An asyncio server on a thread of its own: concurrent requests (one per
    connection) each wait ``delay`` without holding up the others, like
    Postmark's API taking 50 ms per batch. Each message is recorded under its
    ``Subject`` with the unique MessageID it is answered with, so that
    :attr:`records` shows every message stored, and how often:
    ``{subject: [MessageID, ...]}``. Other paths are answered 404.
    """

    def __init__(self, delay: float = 0.050) -> None:
        self.delay = delay
        self.port = free_port()
        self.records: dict[str, list[str]] = {}
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._next_id = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the recording batch server did not start")

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(10)

    def clear(self) -> None:
        """Forget every recorded message (between measurements)."""
        with self._lock:
            self.records = {}
            self.requests = self.max_in_flight = 0

    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._serve(ready))

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.port, backlog=256)
        ready.set()
        async with server:
            await self._stopped.wait()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await read_http_request(reader)
                if request is None:
                    break
                path, body, keep_alive = request
                status, answer = await self._answer(path, body)
                writer.write(http_response(status, answer, keep_alive))
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Stopping with the connection open; ending quietly (Python 3.11's stream
            # callback would otherwise log the cancellation as an error).
            pass
        finally:
            writer.close()

    async def _answer(self, path: str, body: bytes) -> tuple[int, bytes]:
        if path != "/email/batch":
            return 404, b'{"ErrorCode":404,"Message":"only POST /email/batch here"}'
        self.in_flight += 1  # only the event loop's thread touches these two
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        try:
            messages = json.loads(body)
        except ValueError:
            return 422, b'{"ErrorCode":402,"Message":"Received invalid JSON input."}'
        if not isinstance(messages, list):
            return 422, b'{"ErrorCode":402,"Message":"A batch is a JSON array."}'
        return 200, batch_answer_body(messages, self.record(messages))

    def record(self, messages: list[object]) -> list[str]:
        """Record each message under its Subject with a fresh MessageID; the IDs, in order."""
        with self._lock:
            self.requests += 1
            first = self._next_id + 1
            self._next_id += len(messages)
            ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(first, self._next_id + 1)]
            records = self.records
            for message, message_id in zip(messages, ids, strict=True):
                subject = str(message.get("Subject") if isinstance(message, dict) else None)
                found = records.get(subject)
                if found is None:
                    records[subject] = [message_id]
                else:
                    found.append(message_id)
        return ids


async def read_http_request(reader: asyncio.StreamReader) -> tuple[str, bytes, bool] | None:
    """(path, body, keep-alive) of the next HTTP/1.1 request; None at the end of the stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise
        return None  # the client closed its keep-alive connection between requests
    lines = head.decode("latin-1").split("\r\n")
    _method, path, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return path, body, headers.get("connection", "").lower() != "close"


def http_response(status: int, body: bytes, keep_alive: bool) -> bytes:
    reason = {200: "OK", 404: "Not Found", 422: "Unprocessable Entity"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep_alive else 'close'}"
        "\r\n\r\n"
    )
    return head.encode("latin-1") + body
