"""Call every manager method of postmark-python (the official SDK) once against a
Postmark-compatible server, through its synchronous wrapper (postmark.sync).

Run by tests/third_party in the venv that scripts/third-party-clients.sh builds
(the SDK's import name is ``postmark``, like this project's, hence its own venv):

    .third-party/postmark-python/bin/python postmark_python_driver.py '{"url": ...,
        "server_token": ..., "account_token": ..., "blocked_inbound": ..., "failed_inbound": ...}'

Prints one JSON line per call: {"call", "result": "ok" | "error", "request": "METHOD /path"
of its last HTTP request, "status", "error"}, then a last line {"surface": [...]}: every
public coroutine of the SDK's managers, read from the installed source (account calls
prefixed "account."), so the test sees any that was not called.
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

import postmark.sync
from postmark.models.streams.enums import MessageStreamType

config = json.loads(sys.argv[1])
server = postmark.sync.ServerClient(config["server_token"], retries=0, base_url=config["url"])
account = postmark.sync.AccountClient(config["account_token"], retries=0, base_url=config["url"])
last: dict[str, Any] = {}


async def record(response: Any) -> None:
    last.update(request=f"{response.request.method} {response.request.url.path}")
    last.update(status=response.status_code)


for client in (server, account):
    client._async._http_client.event_hooks["response"].append(record)


def emit(**line: Any) -> None:
    print(json.dumps(line), flush=True)


def call(name: str, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call fn, print its outcome, return its result (None when it raised)."""
    last.clear()
    try:
        result = fn(*args, **kwargs)
    except Exception as error:  # every failure is reported, none stops the run
        emit(call=name, result="error", error=f"{type(error).__name__}: {error}"[:300], **last)
        return None
    emit(call=name, result="ok", **last)
    return result


def surface() -> list[str]:
    names = []
    for cls, prefix in ((postmark.ServerClient, ""), (postmark.AccountClient, "account.")):
        for attr, manager in vars(cls("token")).items():
            if attr.startswith("_") or not hasattr(manager, "client"):
                continue
            for method, fn in inspect.getmembers(type(manager), inspect.isfunction):
                async_fn = inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)
                if async_fn and not method.startswith("_"):
                    names.append(f"{prefix}{attr}.{method}")
    return sorted(names)


SENDER, TO = "sender@example.com", "receiver@example.com"
mail = {"From": SENDER, "To": TO, "Subject": "Hello", "TextBody": "Hi", "HtmlBody": "<p>Hi</p>"}
templated = {"From": SENDER, "To": TO, "TemplateAlias": "welcome", "TemplateModel": {"name": "Ann"}}
id_of = lambda result, attr="id", missing=0: getattr(result, attr, missing)  # noqa: E731

# --- templates (first: the template sends need one) ---
templates = server.templates
template = call(
    "templates.create",
    templates.create,
    {
        "Name": "Welcome",
        "Alias": "welcome",
        "Subject": "Hi {{name}}",
        "HtmlBody": "<p>Hi {{name}}</p>",
        "TextBody": "Hi {{name}}",
    },
)
template_id = id_of(template, "template_id")
call("templates.get", templates.get, template_id)
call("templates.edit", templates.edit, template_id, {"Subject": "Hello {{name}}"})
call("templates.list", templates.list)
call(
    "templates.validate",
    templates.validate,
    {
        "Subject": "Hi {{name}}",
        "TextBody": "x",
        "TestRenderModel": {"name": "Ann"},
    },
)

# --- sending ---
outbound = server.outbound
sent = call("outbound.send", outbound.send, mail)
message_id = id_of(sent, "message_id", "missing")
call("outbound.send_batch", outbound.send_batch, [mail, dict(mail, To="second@example.com")])
call("outbound.send_with_template", outbound.send_with_template, templated)
call("outbound.send_batch_with_template", outbound.send_batch_with_template, [templated])
bulk = call(
    "outbound.send_bulk",
    outbound.send_bulk,
    {
        "From": SENDER,
        "Subject": "News",
        "TextBody": "Hi",
        "MessageStream": "broadcast",
        "Messages": [{"To": TO}, {"To": "second@example.com"}],
    },
)
call("outbound.get_bulk_status", outbound.get_bulk_status, id_of(bulk, missing="missing"))
# the bounce that the bounce calls below read: Postmark's black-hole address
call("outbound.send", outbound.send, dict(mail, To="hardbounce@bounce-testing.postmarkapp.com"))

# --- outbound and inbound messages ---
call("outbound.list", outbound.list, count=10)
call("outbound.stream", outbound.stream, max_messages=10)
call("outbound.get", outbound.get, message_id)
call("outbound.get_dump", outbound.get_dump, message_id)
call("outbound.list_opens", outbound.list_opens, count=10)
call("outbound.list_message_opens", outbound.list_message_opens, message_id)
call("outbound.list_clicks", outbound.list_clicks, count=10)
call("outbound.list_message_clicks", outbound.list_message_clicks, message_id)
inbound = server.inbound
call("inbound.list", inbound.list, count=10)
call("inbound.get", inbound.get, config["blocked_inbound"])
call("inbound.bypass", inbound.bypass, config["blocked_inbound"])
call("inbound.retry", inbound.retry, config["failed_inbound"])

# --- bounces ---
bounces = server.bounces
call("bounces.get_delivery_stats", bounces.get_delivery_stats)
page = call("bounces.list", bounces.list, count=10)
bounce_id = page.items[0].id if page and page.items else 0
call("bounces.stream", bounces.stream, max_bounces=10)
call("bounces.get", bounces.get, bounce_id)
call("bounces.get_dump", bounces.get_dump, bounce_id)
call("bounces.activate", bounces.activate, bounce_id)

# --- server, message streams, suppressions, webhooks, inbound rules, statistics ---
server_id = id_of(call("server.get", server.server.get))
call("server.edit", server.server.edit, name="Renamed by postmark-python")
streams = server.stream
call("stream.list", streams.list)
call("stream.get", streams.get, "outbound")
broadcasts = MessageStreamType.BROADCASTS
call("stream.create", streams.create, id="news", name="News", message_stream_type=broadcasts)
call("stream.edit", streams.edit, "news", name="Newsletter")
call("stream.archive", streams.archive, "news")
call("stream.unarchive", streams.unarchive, "news")
suppressions = server.suppressions
call("suppressions.create", suppressions.create, "outbound", ["gone@example.com"])
call("suppressions.dump", suppressions.dump, "outbound")
call("suppressions.delete", suppressions.delete, "outbound", ["gone@example.com"])
webhooks = server.webhooks
hook_url = "https://hooks.example.com/postmark"
webhook_id = id_of(call("webhooks.create", webhooks.create, hook_url))
call("webhooks.list", webhooks.list)
call("webhooks.get", webhooks.get, webhook_id)
call("webhooks.edit", webhooks.edit, webhook_id, url=hook_url + "/v2")
call("webhooks.delete", webhooks.delete, webhook_id)
rules = server.inbound_rules
rule_id = id_of(call("inbound_rules.create", rules.create, "spam@example.com"))
call("inbound_rules.list", rules.list)
call("inbound_rules.delete", rules.delete, rule_id)
for method in (
    "overview",
    "sent_counts",
    "bounce_counts",
    "spam_counts",
    "tracked_counts",
    "open_counts",
    "platform_usage",
    "email_client_usage",
    "read_times",
    "click_counts",
    "browser_usage",
    "browser_platform_usage",
    "click_location",
):
    call(f"stats.{method}", getattr(server.stats, method), tag="welcome")

# --- account API ---
servers = account.server
second_id = id_of(call("account.server.create", servers.create, name="Second"))
call("account.server.get", servers.get, second_id)
call("account.server.edit", servers.edit, second_id, name="Second, renamed")
call("account.server.list", servers.list)
call(
    "account.templates.push",
    account.templates.push,
    {
        "SourceServerID": str(server_id),
        "DestinationServerID": str(second_id),
        "PerformChanges": True,
    },
)
call("account.server.delete", servers.delete, second_id)
domains = account.domain
domain_id = id_of(call("account.domain.create", domains.create, name="example.org"))
call("account.domain.get", domains.get, domain_id)
call("account.domain.edit", domains.edit, domain_id, return_path_domain="pm-bounces.example.org")
call("account.domain.list", domains.list)
for method in ("verify_spf", "verify_dkim", "verify_return_path", "rotate_dkim"):
    call(f"account.domain.{method}", getattr(domains, method), domain_id)
call("account.domain.delete", domains.delete, domain_id)
signatures = account.signature
signature_id = id_of(
    call("account.signature.create", signatures.create, sender="team@example.org", name="Team")
)
call("account.signature.get", signatures.get, signature_id)
call("account.signature.edit", signatures.edit, signature_id, name="The team")
call("account.signature.list", signatures.list)
for method in ("resend_confirmation", "verify_spf", "request_new_dkim"):
    call(f"account.signature.{method}", getattr(signatures, method), signature_id)
call("account.signature.delete", signatures.delete, signature_id)
removals = account.data_removals
removal = call(
    "account.data_removals.create",
    removals.create,
    requested_by="dpo@example.com",
    requested_for="ann@example.com",
)
call("account.data_removals.get", removals.get, id_of(removal))

call("templates.delete", templates.delete, template_id)
server.close()
account.close()
emit(surface=surface())
