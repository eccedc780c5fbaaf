"""One measurement of one client, in a fresh process: ``python worker.py '<json spec>'``.

Started by ``run.py`` with the interpreter of the client's own virtualenv, so
this file uses only the standard library plus the client being measured
(``postmarker`` and the official SDK both import as their own packages; the
official one is even called ``postmark``). It prints one JSON line.

Spec keys: ``client``, ``scenario``, ``url``, ``ca`` and scenario options.
Clients: ``requests`` (floor), ``requests-fair`` (the fair batch floor),
``http.client`` (floor), ``python-postmark`` (this library's classic API),
``python-postmark-dicts`` (``ServerClient.email.send_batch`` of dicts),
``postmarker``, ``official`` (postmark-python, async), ``official-sync`` (its
``postmark.sync`` wrapper).
Scenarios: ``send``, ``batch``, ``attachment``, ``threads`` (N threads, one
client), ``parallel`` (one batch, ``concurrency=N``).

With ``"profile": true`` in the spec, the timed part runs under cProfile and
the result carries its top entries as text (``"profile"``).
"""

from __future__ import annotations

import base64
import cProfile
import gc
import inspect
import io
import json
import os
import pstats
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

TOKEN = "benchmark-server-token"
SENDER = "sender@example.com"
TO = "receiver@example.com"
TEXT = "Hello from the python-postmark benchmark. " * 4
HTML = "<html><body><p>Hello from the <b>python-postmark</b> benchmark.</p></body></html>"
BATCH_SIZE = 500
# Postmark's 10 MB message limit counts attachments after base64 encoding, so
# "an 8 MiB attachment" is 8 MiB of base64: 6 MiB of raw bytes. (8 MiB of raw
# bytes would be 11.2 MB encoded, refused with HTTP 413 by Postmark.)
ATTACHMENT_BYTES = 6 * 1024 * 1024
# A type Postmark accepts (it refuses .bin, .exe and others; so does python-postmark).
ATTACHMENT_NAME, ATTACHMENT_TYPE = "report.pdf", "application/pdf"


def message(subject: str) -> dict[str, str]:
    """A message in Postmark's own form (what the floors post)."""
    return {"From": SENDER, "To": TO, "Subject": subject, "TextBody": TEXT, "HtmlBody": HTML}


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/json",
    "X-Postmark-Server-Token": TOKEN,
}


# --------------------------------------------------------------------------
# One adapter per client: send(subject), batch(subjects), attach(data), threaded()
#
# Every adapter returns Postmark's answer(s) so the caller can check them;
# the floors decode the answer JSON too (any real client has to read it).


class Floor:
    """Raw posts of bodies built here (pre-built, outside the timed part, where noted)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.base = spec["url"]
        self.ca = spec.get("ca")

    def post(self, path: str, body: bytes) -> Any:
        raise NotImplementedError

    def send(self, subject: str) -> Any:
        return self.post("/email", dumps(message(subject)))

    def prebuilt_send(self) -> Callable[[str], Any]:
        body = dumps(message("Benchmark"))  # one body, built once, posted every time
        return lambda _subject: self.post("/email", body)

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        started = time.perf_counter()
        bodies = [
            dumps([message(s) for s in subjects[i : i + BATCH_SIZE]])
            for i in range(0, len(subjects), BATCH_SIZE)
        ]
        # Not timed (the floor posts pre-serialised bodies), but reported: what
        # building and serialising these messages costs with json.dumps alone.
        self.extra = {"serialise_seconds": time.perf_counter() - started}

        def run() -> list[Any]:
            answers: list[Any] = []
            for body in bodies:
                answers.extend(self.post("/email/batch", body))
            return answers

        return run

    def attach(self, data: bytes) -> Any:
        payload: dict[str, Any] = message("Attachment")
        payload["Attachments"] = [
            {
                "Name": ATTACHMENT_NAME,
                "Content": base64.b64encode(data).decode("ascii"),
                "ContentType": ATTACHMENT_TYPE,
            }
        ]
        return self.post("/email", dumps(payload))


class RequestsFloor(Floor):
    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        import requests

        self.session = requests.Session()
        self.session.verify = self.ca or True

    def post(self, path: str, body: bytes) -> Any:
        response = self.session.post(self.base + path, data=body, headers=HEADERS, timeout=60)
        response.raise_for_status()
        return response.json()


class FairFloor(RequestsFloor):
    """The fair batch floor: the least work any client must do for a batch.

    Inside the timed part it builds the same message dicts, ``json.dumps``
    them 500 per body and posts them with a ``requests.Session`` (reading
    and decoding each answer), no checks, no outcomes.
    """

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            answers: list[Any] = []
            for i in range(0, len(subjects), BATCH_SIZE):
                body = dumps([message(s) for s in subjects[i : i + BATCH_SIZE]])
                answers.extend(self.post("/email/batch", body))
            return answers

        return run


class HttpClientFloor(Floor):
    """``http.client`` keep-alive; one connection per thread (a connection is not shareable)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        import ssl
        from urllib.parse import urlsplit

        parts = urlsplit(self.base)
        self.host, self.port, self.https = parts.hostname, parts.port, parts.scheme == "https"
        self.context = ssl.create_default_context(cafile=self.ca) if self.https else None
        self.local = threading.local()

    def connection(self) -> Any:
        import http.client

        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.https:
                conn = http.client.HTTPSConnection(self.host, self.port, context=self.context)
            else:
                conn = http.client.HTTPConnection(self.host, self.port)
            self.local.conn = conn
        return conn

    def post(self, path: str, body: bytes) -> Any:
        conn = self.connection()
        conn.request("POST", path, body, HEADERS)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return json.loads(data)


class ThisLibrary:
    """python-postmark's classic API, as most of its users call it: PMMail(...).send()."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # The library reads these like any deployment would (environment settings).
        os.environ["POSTMARK_API_URL"] = spec["url"]
        os.environ["POSTMARK_SERVER_TOKEN"] = TOKEN
        if spec.get("ca"):
            os.environ["REQUESTS_CA_BUNDLE"] = spec["ca"]
        from postmark import PMBatchMail, PMMail, attachment_from_bytes

        self.PMMail, self.PMBatchMail = PMMail, PMBatchMail
        self.attachment_from_bytes = attachment_from_bytes

    def mail(self, subject: str, **extra: Any) -> Any:
        return self.PMMail(
            sender=SENDER, to=TO, subject=subject, text_body=TEXT, html_body=HTML, **extra
        )

    def send(self, subject: str) -> Any:
        return self.mail(subject).send(return_json=True)

    def prebuilt_send(self) -> Callable[[str], Any]:
        return self.send  # builds and sends a PMMail each time, the honest comparison

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        # Building the 10,000 PMMail objects is timed too (it is part of the
        # job), and reported apart: "send_seconds" is PMBatchMail.send() alone.
        def run() -> list[Any]:
            started = time.perf_counter()
            batch = self.PMBatchMail(messages=[self.mail(s) for s in subjects])
            built = time.perf_counter()
            answers: list[Any] = batch.send(return_json=True)
            self.extra = {
                "build_seconds": built - started,
                "send_seconds": time.perf_counter() - built,
            }
            return answers

        return run

    def attach(self, data: bytes) -> Any:
        attachment = self.attachment_from_bytes(data, ATTACHMENT_NAME, ATTACHMENT_TYPE)
        return self.mail("Attachment", attachments=[attachment]).send(return_json=True)


class ThisLibraryDicts:
    """python-postmark's client API: ``ServerClient(...).email.send_batch(<dicts>)``.

    The dicts are in Postmark's own form, built inside the timed part (as the
    fair floor builds them).
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("ca"):
            os.environ["REQUESTS_CA_BUNDLE"] = spec["ca"]
        from postmark import ServerClient

        self.client = ServerClient(TOKEN, base_url=spec["url"], timeout=60)

    def send(self, subject: str) -> Any:
        return self.client.email.send(message(subject))

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            return list(self.client.email.send_batch([message(s) for s in subjects]))

        return run

    def parallel(self, subjects: list[str], concurrency: int) -> Callable[[], Any] | None:
        """The batch sent with ``concurrency=N``; None when this checkout has no such keyword."""
        if "concurrency" not in inspect.signature(self.client.email.send_batch).parameters:
            return None

        def run() -> Any:
            return self.client.email.send_batch(
                [message(s) for s in subjects], concurrency=concurrency
            )

        return run


class Postmarker:
    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("ca"):
            os.environ["REQUESTS_CA_BUNDLE"] = spec["ca"]  # postmarker calls Session.request
        from postmarker.core import PostmarkClient

        self.client = PostmarkClient(server_token=TOKEN, root_api_url=spec["url"])

    def kwargs(self, subject: str) -> dict[str, Any]:
        return {"From": SENDER, "To": TO, "Subject": subject, "TextBody": TEXT, "HtmlBody": HTML}

    def send(self, subject: str) -> Any:
        return self.client.emails.send(**self.kwargs(subject))

    def prebuilt_send(self) -> Callable[[str], Any]:
        return self.send

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            answers: list[Any] = self.client.emails.send_batch(*[self.kwargs(s) for s in subjects])
            return answers

        return run

    def attach(self, data: bytes) -> Any:
        content = base64.b64encode(data).decode("ascii")
        return self.client.emails.send(
            **self.kwargs("Attachment"),
            Attachments=[(ATTACHMENT_NAME, content, ATTACHMENT_TYPE)],
        )


class Official:
    """ActiveCampaign's postmark-python 0.4 (async, httpx); awaited one call at a time."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import asyncio

        if spec.get("ca"):
            os.environ["SSL_CERT_FILE"] = spec["ca"]  # httpx's way to trust a private CA
        import postmark

        self.loop = asyncio.new_event_loop()
        self.client = postmark.ServerClient(TOKEN, base_url=spec["url"], timeout=60)

    def fields(self, subject: str) -> dict[str, Any]:
        return {
            "sender": SENDER,
            "to": TO,
            "subject": subject,
            "text_body": TEXT,
            "html_body": HTML,
        }

    def send(self, subject: str) -> Any:
        answer = self.loop.run_until_complete(self.client.outbound.send(self.fields(subject)))
        return answer.model_dump(by_alias=True)

    def prebuilt_send(self) -> Callable[[str], Any]:
        return self.send

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        async def all_chunks() -> list[Any]:
            answers = []
            for i in range(0, len(subjects), BATCH_SIZE):  # at most 500 per call
                chunk = [self.fields(s) for s in subjects[i : i + BATCH_SIZE]]
                answers.extend(await self.client.outbound.send_batch(chunk))
            return [a.model_dump(by_alias=True) for a in answers]

        return lambda: self.loop.run_until_complete(all_chunks())

    def attach(self, data: bytes) -> Any:
        fields = self.fields("Attachment")
        fields["attachments"] = [
            {
                "name": ATTACHMENT_NAME,
                "content": base64.b64encode(data).decode("ascii"),
                "content_type": ATTACHMENT_TYPE,
            }
        ]
        return self.loop.run_until_complete(self.client.outbound.send(fields))


class OfficialSync(Official):
    """The official SDK's ``postmark.sync`` wrapper (a background event-loop thread)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("ca"):
            os.environ["SSL_CERT_FILE"] = spec["ca"]
        import postmark.sync

        self.client = postmark.sync.ServerClient(TOKEN, base_url=spec["url"], timeout=60)

    def send(self, subject: str) -> Any:
        return self.client.outbound.send(self.fields(subject)).model_dump(by_alias=True)

    def batch(self, subjects: list[str]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            answers = []
            for i in range(0, len(subjects), BATCH_SIZE):
                chunk = [self.fields(s) for s in subjects[i : i + BATCH_SIZE]]
                answers.extend(self.client.outbound.send_batch(chunk))
            return [a.model_dump(by_alias=True) for a in answers]

        return run

    def attach(self, data: bytes) -> Any:
        fields = self.fields("Attachment")
        fields["attachments"] = [
            {
                "name": ATTACHMENT_NAME,
                "content": base64.b64encode(data).decode("ascii"),
                "content_type": ATTACHMENT_TYPE,
            }
        ]
        return self.client.outbound.send(fields)


CLIENTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "requests": RequestsFloor,
    "requests-fair": FairFloor,
    "http.client": HttpClientFloor,
    "python-postmark": ThisLibrary,
    "python-postmark-dicts": ThisLibraryDicts,
    "postmarker": Postmarker,
    "official": Official,
    "official-sync": OfficialSync,
}


# --------------------------------------------------------------------------
# Scenarios


#: Top entries of the profile, when the spec asks for one (``--profile``).
PROFILE_LINES = 30
_profile: list[str] = []


def timed(spec: dict[str, Any], run: Callable[[], Any]) -> tuple[Any, float]:
    """``run()``'s value and its duration; under cProfile when ``spec["profile"]``."""
    if not spec.get("profile"):
        started = time.perf_counter()
        value = run()
        return value, time.perf_counter() - started
    profiler = cProfile.Profile()
    started = time.perf_counter()
    value = profiler.runcall(run)
    elapsed = time.perf_counter() - started
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(PROFILE_LINES)
    stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
    _profile.append(text.getvalue())
    return value, elapsed


def message_id(answer: Any) -> str | None:
    if isinstance(answer, dict):
        return answer.get("MessageID")
    return getattr(answer, "message_id", None)


def scenario_send(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Sequential sends for ``seconds`` after a warm-up: messages per second."""
    send = client.prebuilt_send()
    for i in range(20):
        send(f"warm-up {i}")
    seconds = float(spec.get("seconds", 1.0))
    count = 0

    def loop() -> Any:
        nonlocal count
        deadline = time.perf_counter() + seconds
        while True:
            answer = send(f"Benchmark {count}")
            count += 1
            if time.perf_counter() >= deadline:
                return answer

    answer, elapsed = timed(spec, loop)
    if message_id(answer) is None:
        raise RuntimeError(f"unexpected answer {answer!r}")
    return {"rate": count / elapsed, "count": count}


def scenario_batch(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """``count`` messages in batches of 500 (the ``requests`` floor: pre-serialised bodies)."""
    total = int(spec.get("count", 10_000))
    client.send("warm-up")  # open (and TLS-handshake) the connection first
    run = client.batch([f"Batch {i}" for i in range(total)])
    gc.collect()
    answers, elapsed = timed(spec, run)
    ids = [message_id(a) for a in answers]
    if len(ids) != total or None in ids:
        raise RuntimeError(f"{len(ids)} answers for {total} messages")
    return {"rate": total / elapsed, "seconds": elapsed, **getattr(client, "extra", {})}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def scenario_attachment(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Extra peak RSS (and Python-allocated peak) to send one 8 MiB attachment.

    The baseline is taken after the client is set up, a first message has
    gone out (connection open, code loaded) and the 8 MiB of raw input bytes
    exist: what remains is the cost of turning them into a request.
    """
    client.send("warm-up")
    data = os.urandom(ATTACHMENT_BYTES)
    gc.collect()
    exact = _reset_peak_rss()
    import resource

    before_kib = _status_kib("VmRSS") if exact else resource.getrusage(0).ru_maxrss
    answer = client.attach(data)
    peak_kib = _status_kib("VmHWM") if exact else resource.getrusage(0).ru_maxrss
    if message_id(answer) is None:
        raise RuntimeError(f"unexpected answer {answer!r}")
    del answer
    gc.collect()
    tracemalloc.start()
    client.attach(data)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "extra_rss_mb": (peak_kib - before_kib) * 1024 / 1e6,
        "traced_peak_mb": traced_peak / 1e6,
        "exact": exact,
    }


def scenario_threads(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """``threads`` threads share one client; each sends ``per_thread`` uniquely-subjected messages.

    With ``seconds`` instead, each thread sends until the time is up (the
    single-thread rate). Returns the rate, errors and (subject, MessageID) pairs.
    """
    threads = int(spec["threads"])
    per_thread = spec.get("per_thread")
    seconds = spec.get("seconds")
    tag = spec["tag"]
    client.send(f"{tag}-warm-up")
    sent: list[tuple[str, str | None]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)
    deadline = [0.0]

    def worker(t: int) -> None:
        start.wait()
        n = 0
        while (per_thread is not None and n < per_thread) or (
            per_thread is None and time.perf_counter() < deadline[0]
        ):
            subject = f"{tag}-{t}-{n}"
            n += 1
            try:
                answer = client.send(subject)
            except Exception as error:  # counted and reported, never hidden
                with lock:
                    errors.append(f"{subject}: {type(error).__name__}: {error}"[:300])
                continue
            with lock:
                sent.append((subject, message_id(answer)))

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + float(seconds or 0)
    start.wait()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rate": len(sent) / elapsed,
        "sent": sent,
        "errors": errors[:20],
        "error_count": len(errors),
        "seconds": elapsed,
    }


def scenario_parallel(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """One batch of ``count`` uniquely-subjected messages (``{tag}-{i}``) with
    ``concurrency=N``: the wall time and the MessageID of each, in input order
    (None where a message failed), or ``{"supported": False}``."""
    total, concurrency = int(spec["count"]), int(spec["concurrency"])
    run = client.parallel([f"{spec['tag']}-{i}" for i in range(total)], concurrency)
    if run is None:
        return {"supported": False}
    gc.collect()
    result, elapsed = timed(spec, run)
    failed = [o for o in result if not o.ok]
    return {
        "supported": True,
        "seconds": elapsed,
        "ids": [o.message_id for o in result],
        "errors": [repr(o)[:300] for o in failed[:5]],
        "error_count": len(failed),
    }


SCENARIOS = {
    "send": scenario_send,
    "parallel": scenario_parallel,
    "batch": scenario_batch,
    "attachment": scenario_attachment,
    "threads": scenario_threads,
}


def main() -> None:
    spec = json.loads(sys.argv[1])
    client = CLIENTS[spec["client"]](spec)
    result = SCENARIOS[spec["scenario"]](client, spec)
    if _profile:
        result["profile"] = "\n".join(_profile)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (and the official SDK's loop thread)


if __name__ == "__main__":
    main()
