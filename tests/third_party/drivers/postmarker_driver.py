"""Call every manager method of postmarker once against a Postmark-compatible server.

Run by tests/third_party in the venv that scripts/third-party-clients.sh builds:

    .third-party/postmarker/bin/python postmarker_driver.py '{"url": ..., "server_token": ...,
        "account_token": ..., "blocked_inbound": ..., "failed_inbound": ...}'

Prints one JSON line per call: {"call", "result": "ok" | "error" | "not-called",
"request": "METHOD /path" of its last HTTP request, "status", "error"}, then a last
line {"surface": [...]}: every public method and property of postmarker's managers,
read from the installed source, so the test sees any that was not called.
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any
from urllib.parse import urlsplit

from postmarker.core import PostmarkClient
from postmarker.models.base import ModelManager, SubModelManager

config = json.loads(sys.argv[1])
client = PostmarkClient(
    server_token=config["server_token"],
    account_token=config["account_token"],
    root_api_url=config["url"] + "/",
    timeout=10,
)
last: dict[str, Any] = {}
client.session.hooks["response"].append(
    lambda r, *a, **k: last.update(
        request=f"{r.request.method} {urlsplit(r.request.url).path}", status=r.status_code
    )
)
called: set[str] = set()


def emit(**line: Any) -> None:
    print(json.dumps(line), flush=True)


def call(name: str, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call fn, print its outcome, return its result (None when it raised)."""
    called.add(name)
    last.clear()
    try:
        result = fn(*args, **kwargs)
    except Exception as error:  # every failure is reported, none stops the run
        emit(call=name, result="error", error=f"{type(error).__name__}: {error}"[:300], **last)
        return None
    emit(call=name, result="ok", **last)
    return result


def not_called(name: str, reason: str) -> None:
    called.add(name)
    emit(call=name, result="not-called", error=reason)


def surface() -> list[str]:
    """Public methods and properties of every manager the client builds (not the plumbing
    that every manager inherits, like call); plus the client's one API call, spamcheck."""
    names = []

    def walk(prefix: str, manager: ModelManager) -> None:
        for cls in type(manager).__mro__:
            if cls in (ModelManager, SubModelManager, object):
                break
            for attr, value in vars(cls).items():
                public = not attr.startswith("_") and not hasattr(ModelManager, attr)
                if public and (inspect.isfunction(value) or isinstance(value, property)):
                    names.append(f"{prefix}{attr}")
        for attr, value in vars(manager).items():
            if isinstance(value, ModelManager) and attr != "client":
                walk(f"{prefix}{attr}.", value)

    for attr, value in vars(client).items():
        if isinstance(value, ModelManager):
            walk(f"{attr}.", value)
    return sorted(set(names) | {"spamcheck"})


SENDER, TO = "sender@example.com", "receiver@example.com"
mail = {"From": SENDER, "To": TO, "Subject": "Hello", "TextBody": "Hi", "HtmlBody": "<p>Hi</p>"}
templated = {"From": SENDER, "To": TO, "TemplateAlias": "welcome", "TemplateModel": {"name": "Ann"}}
email = client.emails

# --- templates (first: the template sends need one) ---
template = call(
    "templates.create",
    client.templates.create,
    Name="Welcome",
    Subject="Hi {{name}}",
    HtmlBody="<p>Hi {{name}}</p>",
    TextBody="Hi {{name}}",
    Alias="welcome",
)
template_id = template.TemplateId if template else 0
call("templates.get", client.templates.get, template_id)
call("templates.edit", client.templates.edit, template_id, Subject="Hello {{name}}")
call("templates.all", client.templates.all)
call(
    "templates.validate",
    client.templates.validate,
    Subject="Hi {{name}}",
    TextBody="x",
    TestRenderModel={"name": "Ann"},
)

# --- sending ---
sent = call("emails.send", email.send, **mail)
message_id = sent["MessageID"] if sent else "missing"
call("emails.send_with_template", email.send_with_template, **templated)
call("emails.send_batch", email.send_batch, mail, dict(mail, To="second@example.com"))
call("emails.send_template_batch", email.send_template_batch, templated)
# the bounce that the bounce calls below read: Postmark's black-hole address
bounced = dict(mail, To="hardbounce@bounce-testing.postmarkapp.com")
call("emails.Email", lambda: email.Email(**bounced).send())
call("emails.EmailTemplate", lambda: email.EmailTemplate(**templated).send())
call("emails.EmailBatch", lambda: email.EmailBatch(mail).send())
call("emails.EmailTemplateBatch", lambda: email.EmailTemplateBatch(templated).send())

# --- bounces ---
call("bounces.deliverystats", lambda: client.bounces.deliverystats)
call("bounces.tags", lambda: client.bounces.tags)
bounces = call("bounces.all", client.bounces.all, count=10)
bounce_id = bounces[0].ID if bounces else 0
call("bounces.get", client.bounces.get, bounce_id)
call("bounces.get_dump", client.bounces.get_dump, bounce_id)
call("bounces.activate", client.bounces.activate, bounce_id)
call("bounces.Bounce", client.bounces.Bounce, json.dumps({"ID": 1, "Type": "HardBounce"}))

# --- outbound and inbound messages ---
outbound = client.messages.outbound
call("messages.outbound.all", outbound.all, count=10)
call("messages.outbound.get", outbound.get, message_id)
call("messages.outbound.get_dump", outbound.get_dump, message_id)
call("messages.outbound.opens.all", outbound.opens.all, count=10)
call("messages.outbound.opens.get", outbound.opens.get, message_id, count=10)
call("messages.outbound.opens.Open", outbound.opens.Open, json.dumps({"Recipient": TO}))
inbound = client.messages.inbound
call("messages.inbound.all", inbound.all, count=10)
call("messages.inbound.get", inbound.get, config["blocked_inbound"])
call("messages.inbound.bypass", inbound.bypass, config["blocked_inbound"])
call("messages.inbound.retry", inbound.retry, config["failed_inbound"])
call("messages.inbound.InboundMessage", inbound.InboundMessage, json.dumps({"From": TO}))

# --- server, statistics ---
server = call("server.get", client.server.get)
call("server.edit", client.server.edit, Name="Renamed by postmarker")
stats = client.stats
for method in (
    "overview",
    "sends",
    "bounces",
    "spam",
    "tracked",
    "opens",
    "opens_platforms",
    "emailclients",
    "readtimes",
    "clicks",
    "browserfamilies",
    "clicks_platforms",
    "location",
):
    call(f"stats.{method}", getattr(stats, method), tag="welcome")

# --- triggers ---
rule = call("triggers.inboundrules.create", client.triggers.inboundrules.create, "spam@example.com")
call("triggers.inboundrules.all", client.triggers.inboundrules.all)
call("triggers.inboundrules.delete", client.triggers.inboundrules.delete, rule.ID if rule else 0)
tags = client.triggers.tags
tag = call("triggers.tags.create", tags.create, MatchName="welcome", TrackOpens=True)
tag_id = tag.ID if tag else 0
call("triggers.tags.all", tags.all)
call("triggers.tags.get", tags.get, tag_id)
call("triggers.tags.edit", tags.edit, tag_id, MatchName="welcome", TrackOpens=False)
call("triggers.tags.delete", tags.delete, tag_id)

# --- account API: domains, sender signatures ---
domain = call("domains.create", client.domains.create, Name="example.org")
domain_id = domain.ID if domain else 0
call("domains.get", client.domains.get, domain_id)
call("domains.edit", client.domains.edit, domain_id, ReturnPathDomain="pm-bounces.example.org")
call("domains.all", client.domains.all)
for method in ("verifyspf", "verifydkim", "verifyreturnpath", "rotatedkim"):
    call(f"domains.{method}", getattr(client.domains, method), domain_id)
call("domains.delete", client.domains.delete, domain_id)
senders = client.senders
signature = call("senders.create", senders.create, FromEmail="team@example.org", Name="Team")
signature_id = signature.ID if signature else 0
call("senders.get", senders.get, signature_id)
call("senders.edit", senders.edit, signature_id, Name="The team")
call("senders.all", senders.all)
for method in ("resend", "verifyspf", "requestnewdkim"):
    call(f"senders.{method}", getattr(senders, method), signature_id)
call("senders.delete", senders.delete, signature_id)

call("templates.delete", client.templates.delete, template_id)

# --- outside Postmark's API ---
for name in (
    "status.get",
    "status.services",
    "status.availability",
    "status.delivery",
    "status.incidents.last",
    "status.incidents.all",
    "status.incidents.get",
):
    not_called(name, "status.postmarkapp.com (hard-coded STATUS_API): Postmark's status page")
not_called("spamcheck", "spamcheck.postmarkapp.com (hard-coded SPAMCHECK_API): not Postmark's API")

emit(surface=surface())
