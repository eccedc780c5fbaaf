"""A file database keeps everything across restarts."""

from __future__ import annotations

from pathlib import Path

from sandbox_helpers import Api, assert_error

from postmark.sandbox import Sandbox

HARD = "HardBounce@bounce-testing.postmarkapp.com"


def test_file_database_survives_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite3")
    with Sandbox(db=db) as first:
        client = Api(first.url)
        assert client.send(Subject="kept", Metadata={"k": "v"}).status == 200
        assert client.send(To=HARD).status == 200
        template = {"Name": "T", "Alias": "t", "Subject": "S {{x}}", "TextBody": "B"}
        assert client.post("/templates", template).status == 200
        client.close()
        first_messages = first.messages()
        first_port = first.port

    with Sandbox(db=db) as second:
        client = Api(second.url)
        assert second.messages() == first_messages
        assert (
            client.get("/messages/outbound?count=10&offset=0&metadata_k=v").json["TotalCount"] == 1
        )
        assert client.get("/templates/t").json["Subject"] == "S {{x}}"
        assert_error(client.send(To=HARD), 422, 406)  # still suppressed
        [bounce] = client.get("/bounces?count=10&offset=0").json["Bounces"]
        assert client.put(f"/bounces/{bounce['ID']}/activate").status == 200
        assert client.send(To=HARD).status == 200
        new_ids = [b["ID"] for b in client.get("/bounces?count=10&offset=0").json["Bounces"]]
        assert sorted(new_ids) == [bounce["ID"], bounce["ID"] + 1]  # IDs keep counting
        client.close()
        assert second.port != 0 and first_port != 0


def test_memory_database_starts_empty_after_restart() -> None:
    sandbox = Sandbox()
    sandbox.start()
    Api(sandbox.url).send()
    assert len(sandbox.messages()) == 1
    sandbox.stop()
    sandbox.start()  # the same object can start again
    assert sandbox.messages() == []
    sandbox.stop()
