"""The servers the benchmark talks to, all on 127.0.0.1 high ports, all stopped at the end.

* :class:`Nginx`: Debian's nginx with a config file, pid file, logs and temp
  directories of its own under a temporary directory, serving canned
  Postmark answers over HTTPS (a throw-away CA signs its certificate). The
  system nginx (``/etc/nginx``, port 80, its service) is never used or touched.
* :class:`Sandbox`: ``python -m postmark.sandbox`` in its own process (plain
  HTTP), used behind the latency proxy where every message must be counted.
* :class:`LatencyProxy`: ``latency_proxy.py`` in its own process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
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
