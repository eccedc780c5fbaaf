"""Every Postmark endpoint and the method that calls it.

Taken from the endpoint catalogue of Postmark's API reference (sections
Email to Data removals). ``tests/api/test_inventory.py`` calls each method
and checks the request that reaches the wire, so a row without a working
method fails the build; a new endpoint starts here.

Columns: HTTP method, path template as Postmark writes it, token (``server``
or ``account``) and the client attribute path (``"templates.get"`` means
``client.templates.get``). Placeholders are filled, in order, from the
method's positional arguments.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Token = Literal["server", "account"]


class Endpoint(NamedTuple):
    method: str
    path: str
    token: Token
    operation: str


ENDPOINTS: tuple[Endpoint, ...] = (
    # Email (sending)
    Endpoint("POST", "/email", "server", "email.send"),
    Endpoint("POST", "/email/batch", "server", "email.send_batch"),
    Endpoint("POST", "/email/withTemplate", "server", "email.send_with_template"),
    Endpoint("POST", "/email/batchWithTemplates", "server", "email.send_batch_with_templates"),
    Endpoint("POST", "/email/bulk", "server", "email.send_bulk"),
    Endpoint("GET", "/email/bulk/{bulkRequestId}", "server", "email.get_bulk"),
    Endpoint("GET", "/email/bulk", "server", "email.list_bulk"),
    # Bounces
    Endpoint("GET", "/deliverystats", "server", "bounces.delivery_stats"),
    Endpoint("GET", "/bounces", "server", "bounces.list"),
    Endpoint("GET", "/bounces/{bounceid}", "server", "bounces.get"),
    Endpoint("GET", "/bounces/{bounceid}/dump", "server", "bounces.dump"),
    Endpoint("PUT", "/bounces/{bounceid}/activate", "server", "bounces.activate"),
    Endpoint("GET", "/bounces/tags", "server", "bounces.tags"),  # legacy, may answer 404
    # Templates
    Endpoint("GET", "/templates", "server", "templates.list"),
    Endpoint("GET", "/templates/{templateIdOrAlias}", "server", "templates.get"),
    Endpoint("POST", "/templates", "server", "templates.create"),
    Endpoint("PUT", "/templates/{templateIdOrAlias}", "server", "templates.edit"),
    Endpoint("DELETE", "/templates/{templateIdOrAlias}", "server", "templates.delete"),
    Endpoint("POST", "/templates/validate", "server", "templates.validate"),
    Endpoint("PUT", "/templates/push", "account", "templates.push"),
    # Server
    Endpoint("GET", "/server", "server", "server.get"),
    Endpoint("PUT", "/server", "server", "server.edit"),
    # Servers
    Endpoint("GET", "/servers", "account", "servers.list"),
    Endpoint("GET", "/servers/{serverid}", "account", "servers.get"),
    Endpoint("POST", "/servers", "account", "servers.create"),
    Endpoint("PUT", "/servers/{serverid}", "account", "servers.edit"),
    Endpoint("DELETE", "/servers/{serverid}", "account", "servers.delete"),
    # Outbound messages
    Endpoint("GET", "/messages/outbound", "server", "messages.list"),
    Endpoint("GET", "/messages/outbound/{messageid}/details", "server", "messages.get"),
    Endpoint("GET", "/messages/outbound/{messageid}/dump", "server", "messages.dump"),
    Endpoint("GET", "/messages/outbound/opens", "server", "messages.list_opens"),
    Endpoint("GET", "/messages/outbound/opens/{messageid}", "server", "messages.message_opens"),
    Endpoint("GET", "/messages/outbound/clicks", "server", "messages.list_clicks"),
    Endpoint("GET", "/messages/outbound/clicks/{messageid}", "server", "messages.message_clicks"),
    # Inbound messages
    Endpoint("GET", "/messages/inbound", "server", "inbound.list"),
    Endpoint("GET", "/messages/inbound/{messageid}/details", "server", "inbound.get"),
    Endpoint("PUT", "/messages/inbound/{messageid}/bypass", "server", "inbound.bypass"),
    Endpoint("PUT", "/messages/inbound/{messageid}/retry", "server", "inbound.retry"),
    # Message streams
    Endpoint("GET", "/message-streams", "server", "message_streams.list"),
    Endpoint("GET", "/message-streams/{stream_id}", "server", "message_streams.get"),
    Endpoint("PATCH", "/message-streams/{stream_id}", "server", "message_streams.edit"),
    Endpoint("POST", "/message-streams", "server", "message_streams.create"),
    Endpoint("POST", "/message-streams/{stream_id}/archive", "server", "message_streams.archive"),
    Endpoint(
        "POST", "/message-streams/{stream_id}/unarchive", "server", "message_streams.unarchive"
    ),
    # Suppressions
    Endpoint(
        "GET", "/message-streams/{stream_id}/suppressions/dump", "server", "suppressions.dump"
    ),
    Endpoint("POST", "/message-streams/{stream_id}/suppressions", "server", "suppressions.create"),
    Endpoint(
        "POST",
        "/message-streams/{stream_id}/suppressions/delete",
        "server",
        "suppressions.delete",
    ),
    # Webhooks configuration
    Endpoint("GET", "/webhooks", "server", "webhooks.list"),
    Endpoint("GET", "/webhooks/{id}", "server", "webhooks.get"),
    Endpoint("POST", "/webhooks", "server", "webhooks.create"),
    Endpoint("PUT", "/webhooks/{id}", "server", "webhooks.edit"),
    Endpoint("DELETE", "/webhooks/{id}", "server", "webhooks.delete"),
    Endpoint("POST", "/webhooks/{id}/verify", "server", "webhooks.verify"),
    Endpoint("GET", "/webhooks/{id}/statistics", "server", "webhooks.statistics"),
    # Stats
    Endpoint("GET", "/stats/outbound", "server", "stats.outbound"),
    Endpoint("GET", "/stats/outbound/sends", "server", "stats.sends"),
    Endpoint("GET", "/stats/outbound/bounces", "server", "stats.bounces"),
    Endpoint("GET", "/stats/outbound/spam", "server", "stats.spam"),
    Endpoint("GET", "/stats/outbound/tracked", "server", "stats.tracked"),
    Endpoint("GET", "/stats/outbound/opens", "server", "stats.opens"),
    Endpoint("GET", "/stats/outbound/opens/platforms", "server", "stats.open_platforms"),
    Endpoint("GET", "/stats/outbound/opens/emailclients", "server", "stats.email_clients"),
    Endpoint("GET", "/stats/outbound/opens/readtimes", "server", "stats.read_times"),
    Endpoint("GET", "/stats/outbound/clicks", "server", "stats.clicks"),
    Endpoint("GET", "/stats/outbound/clicks/browserfamilies", "server", "stats.browser_families"),
    Endpoint("GET", "/stats/outbound/clicks/platforms", "server", "stats.click_platforms"),
    Endpoint("GET", "/stats/outbound/clicks/location", "server", "stats.click_location"),
    # Inbound rule triggers
    Endpoint("GET", "/triggers/inboundrules", "server", "inbound_rules.list"),
    Endpoint("POST", "/triggers/inboundrules", "server", "inbound_rules.create"),
    Endpoint("DELETE", "/triggers/inboundrules/{triggerid}", "server", "inbound_rules.delete"),
    # Domains
    Endpoint("GET", "/domains", "account", "domains.list"),
    Endpoint("GET", "/domains/{domainid}", "account", "domains.get"),
    Endpoint("POST", "/domains", "account", "domains.create"),
    Endpoint("PUT", "/domains/{domainid}", "account", "domains.edit"),
    Endpoint("DELETE", "/domains/{domainid}", "account", "domains.delete"),
    Endpoint("PUT", "/domains/{domainid}/verifyDkim", "account", "domains.verify_dkim"),
    Endpoint(
        "PUT", "/domains/{domainid}/verifyReturnPath", "account", "domains.verify_return_path"
    ),
    Endpoint("POST", "/domains/{domainid}/verifyspf", "account", "domains.verify_spf"),
    Endpoint("POST", "/domains/{domainid}/rotatedkim", "account", "domains.rotate_dkim"),
    # Sender signatures
    Endpoint("GET", "/senders", "account", "sender_signatures.list"),
    Endpoint("GET", "/senders/{signatureid}", "account", "sender_signatures.get"),
    Endpoint("POST", "/senders", "account", "sender_signatures.create"),
    Endpoint("PUT", "/senders/{signatureid}", "account", "sender_signatures.edit"),
    Endpoint("DELETE", "/senders/{signatureid}", "account", "sender_signatures.delete"),
    Endpoint(
        "POST",
        "/senders/{signatureid}/resend",
        "account",
        "sender_signatures.resend_confirmation",
    ),
    Endpoint("POST", "/senders/{signatureid}/verifyspf", "account", "sender_signatures.verify_spf"),
    Endpoint(
        "POST",
        "/senders/{signatureid}/requestnewdkim",
        "account",
        "sender_signatures.request_new_dkim",
    ),
    # Data removals
    Endpoint("POST", "/data-removals", "account", "data_removals.create"),
    Endpoint("GET", "/data-removals/{id}", "account", "data_removals.get"),
)
