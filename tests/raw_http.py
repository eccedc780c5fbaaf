"""Pieces for the tiny raw-socket HTTP servers some tests run on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest


def read_request(conn: socket.socket) -> tuple[bytes, bytes] | None:
    """(head, body) of one HTTP/1.1 request (Content-Length body), or None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head, body


def self_signed_certificate(folder: Path, common_name: str, alt_names: str) -> tuple[Path, Path]:
    """A throw-away EC certificate and key made with openssl (skips the test without it)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN={common_name}",
            "-addext",
            f"subjectAltName={alt_names}",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key
