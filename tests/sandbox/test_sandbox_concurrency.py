"""Many clients at once: every message stored exactly once."""

from __future__ import annotations

import threading

from sandbox_helpers import Api

from postmark.sandbox import Sandbox

THREADS = 8
SENDS = 200


def test_8_threads_x_200_sends_are_each_stored_once(sandbox: Sandbox) -> None:
    answers: dict[str, str] = {}
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        client = Api(sandbox.url)  # one kept-alive connection per thread, as clients pool them
        start.wait()
        try:
            for i in range(SENDS):
                subject = f"t{n}-m{i}"
                result = client.send(Subject=subject, Metadata={"thread": str(n)})
                if result.status != 200:
                    failures.append(f"{subject}: {result.status} {result.body[:100]!r}")
                    continue
                with lock:
                    answers[result.json["MessageID"]] = subject
        except Exception as exc:  # reported below, with the thread's name
            failures.append(f"thread {n}: {exc!r}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(answers) == THREADS * SENDS  # every MessageID distinct
    stored = sandbox.messages()
    assert len(stored) == THREADS * SENDS
    assert {m["MessageID"]: m["Subject"] for m in stored} == answers
    assert sorted(m["Subject"] for m in stored) == sorted(answers.values())
    client = Api(sandbox.url)
    counted = client.get("/messages/outbound?count=1&offset=0&metadata_thread=3").json
    assert counted["TotalCount"] == SENDS
    client.close()


def test_concurrent_hard_bounces_and_reads(sandbox: Sandbox) -> None:
    """Writers and readers interleave without errors or lost rows."""
    errors: list[str] = []

    def sender(n: int) -> None:
        client = Api(sandbox.url)
        for i in range(25):
            to = f"t{n}-{i}@bounce-testing.postmarkapp.com"
            if client.send(To=to).status != 200:
                errors.append(to)
        client.close()

    def reader() -> None:
        client = Api(sandbox.url)
        for _ in range(25):
            for path in ("/bounces?count=50&offset=0", "/deliverystats", "/"):
                if client.get(path).status != 200:
                    errors.append(path)
        client.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(sandbox.bounces()) == 100
    client = Api(sandbox.url)
    assert client.get("/deliverystats").json["InactiveMails"] == 100
    client.close()
