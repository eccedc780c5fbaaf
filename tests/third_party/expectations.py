"""What each third-party client's calls must do against the sandbox.

One entry per public call of the client (the drivers in ``drivers/`` print the client's
whole API surface, read from its installed source, and the test checks that this table
names exactly those calls). ``OK``: the call must succeed. ``Own(reason)``: the call
fails through the client's own fault, said in ``reason``; the test checks that it still
fails, so a client release that fixes it shows up as a failure to update this table.
``NotCalled(reason)``: the driver does not make the call at all (it would leave this
machine), and the test checks that it did not.

A call that fails only because the sandbox does not serve its route yet is ``OK``, not an
exception: it stays red until the route lands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expect:
    result: str  # "ok", "error" or "not-called"
    reason: str = ""


OK = Expect("ok")


def Own(reason: str) -> Expect:
    return Expect("error", reason)


def NotCalled(reason: str) -> Expect:
    return Expect("not-called", reason)


BOUNCE_TAGS_GONE = Own(
    "GET /bounces/tags: Postmark deprecated and removed the bounce tags endpoint; the "
    "sandbox answers 404 like any unknown route"
)
TAG_TRIGGERS_GONE = Own(
    "/triggers/tags: Postmark removed tag triggers (its Triggers API now has inbound rules "
    "only; the official libraries dropped them); 404"
)
STATUS_PAGE = NotCalled(
    "calls status.postmarkapp.com, Postmark's status page, hard-coded (STATUS_API): "
    "not the API, and not reachable from tests"
)

POSTMARKER = {
    # templates
    "templates.create": OK,
    "templates.get": OK,
    "templates.edit": OK,
    "templates.all": OK,
    "templates.validate": OK,
    "templates.delete": OK,
    # sending
    "emails.send": OK,
    "emails.send_with_template": OK,
    "emails.send_batch": OK,
    "emails.send_template_batch": OK,
    "emails.Email": OK,
    "emails.EmailTemplate": OK,
    "emails.EmailBatch": OK,
    "emails.EmailTemplateBatch": OK,
    # bounces
    "bounces.deliverystats": OK,
    "bounces.tags": BOUNCE_TAGS_GONE,
    "bounces.all": OK,
    "bounces.get": OK,
    "bounces.get_dump": OK,
    "bounces.activate": OK,
    "bounces.Bounce": OK,
    # messages
    "messages.outbound.all": OK,
    "messages.outbound.get": OK,
    "messages.outbound.get_dump": OK,
    "messages.outbound.opens.all": OK,
    "messages.outbound.opens.get": OK,
    "messages.outbound.opens.Open": OK,
    "messages.inbound.all": OK,
    "messages.inbound.get": OK,
    "messages.inbound.bypass": OK,
    "messages.inbound.retry": OK,
    "messages.inbound.InboundMessage": OK,
    # server, statistics
    "server.get": OK,
    "server.edit": OK,
    "stats.overview": OK,
    "stats.sends": OK,
    "stats.bounces": OK,
    "stats.spam": OK,
    "stats.tracked": OK,
    "stats.opens": OK,
    "stats.opens_platforms": OK,
    "stats.emailclients": OK,
    "stats.readtimes": OK,
    "stats.clicks": OK,
    "stats.browserfamilies": OK,
    "stats.clicks_platforms": OK,
    "stats.location": OK,
    # triggers
    "triggers.inboundrules.create": OK,
    "triggers.inboundrules.all": OK,
    "triggers.inboundrules.delete": OK,
    "triggers.tags.create": TAG_TRIGGERS_GONE,
    "triggers.tags.all": TAG_TRIGGERS_GONE,
    "triggers.tags.get": TAG_TRIGGERS_GONE,
    "triggers.tags.edit": TAG_TRIGGERS_GONE,
    "triggers.tags.delete": TAG_TRIGGERS_GONE,
    # account API
    "domains.create": OK,
    "domains.get": OK,
    "domains.edit": OK,
    "domains.all": OK,
    "domains.verifyspf": OK,
    "domains.verifydkim": OK,
    "domains.verifyreturnpath": OK,
    "domains.rotatedkim": OK,
    "domains.delete": OK,
    "senders.create": OK,
    "senders.get": OK,
    "senders.edit": OK,
    "senders.all": OK,
    "senders.resend": OK,
    "senders.verifyspf": OK,
    "senders.requestnewdkim": OK,
    "senders.delete": OK,
    # outside Postmark's API
    "status.get": STATUS_PAGE,
    "status.services": STATUS_PAGE,
    "status.availability": STATUS_PAGE,
    "status.delivery": STATUS_PAGE,
    "status.incidents.last": STATUS_PAGE,
    "status.incidents.all": STATUS_PAGE,
    "status.incidents.get": STATUS_PAGE,
    "spamcheck": NotCalled(
        "posts to spamcheck.postmarkapp.com, hard-coded (SPAMCHECK_API): Postmark's "
        "separate SpamAssassin service, not the API"
    ),
}

POSTMARK_PYTHON = {
    # templates
    "templates.create": OK,
    "templates.get": OK,
    "templates.edit": OK,
    "templates.list": OK,
    "templates.validate": OK,
    "templates.delete": OK,
    # sending
    "outbound.send": OK,
    "outbound.send_batch": OK,
    "outbound.send_with_template": OK,
    "outbound.send_batch_with_template": OK,
    "outbound.send_bulk": OK,
    "outbound.get_bulk_status": OK,
    # messages
    "outbound.list": OK,
    "outbound.stream": OK,
    "outbound.get": OK,
    "outbound.get_dump": OK,
    "outbound.list_opens": OK,
    "outbound.list_message_opens": OK,
    "outbound.list_clicks": OK,
    "outbound.list_message_clicks": OK,
    "inbound.list": OK,
    "inbound.get": OK,
    "inbound.bypass": OK,
    "inbound.retry": OK,
    # bounces
    "bounces.get_delivery_stats": Own(
        "its DeliveryStats model requires Type and TypeCode in every Bounces entry; "
        "Postmark's documented answer has an 'All' entry without Type and no TypeCode "
        "anywhere, so a 200 answer raises pydantic's ValidationError"
    ),
    "bounces.list": OK,
    "bounces.stream": OK,
    "bounces.get": OK,
    "bounces.get_dump": OK,
    "bounces.activate": OK,
    # server, streams, suppressions, webhooks, inbound rules
    "server.get": OK,
    "server.edit": OK,
    "stream.list": OK,
    "stream.get": OK,
    "stream.create": OK,
    "stream.edit": OK,
    "stream.archive": OK,
    "stream.unarchive": OK,
    "suppressions.create": OK,
    "suppressions.dump": OK,
    "suppressions.delete": OK,
    "webhooks.create": OK,
    "webhooks.list": OK,
    "webhooks.get": OK,
    "webhooks.edit": OK,
    "webhooks.delete": OK,
    "inbound_rules.create": OK,
    "inbound_rules.list": OK,
    "inbound_rules.delete": OK,
    # statistics
    "stats.overview": OK,
    "stats.sent_counts": OK,
    "stats.bounce_counts": OK,
    "stats.spam_counts": OK,
    "stats.tracked_counts": OK,
    "stats.open_counts": OK,
    "stats.platform_usage": OK,
    "stats.email_client_usage": OK,
    "stats.read_times": OK,
    "stats.click_counts": OK,
    "stats.browser_usage": OK,
    "stats.browser_platform_usage": OK,
    "stats.click_location": OK,
    # account API
    "account.server.create": OK,
    "account.server.get": OK,
    "account.server.edit": OK,
    "account.server.list": OK,
    "account.server.delete": OK,
    "account.templates.push": Own(
        "its PushTemplatesRequest types SourceServerID and DestinationServerID as str "
        '(an int is refused before sending), so it sends "1"; Postmark documents integers '
        "and the sandbox refuses an ill-typed field: HTTP 422, ErrorCode 403"
    ),
    "account.domain.create": OK,
    "account.domain.get": OK,
    "account.domain.edit": OK,
    "account.domain.list": OK,
    "account.domain.verify_spf": OK,
    "account.domain.verify_dkim": OK,
    "account.domain.verify_return_path": OK,
    "account.domain.rotate_dkim": OK,
    "account.domain.delete": OK,
    "account.signature.create": OK,
    "account.signature.get": OK,
    "account.signature.edit": OK,
    "account.signature.list": OK,
    "account.signature.resend_confirmation": OK,
    "account.signature.verify_spf": OK,
    "account.signature.request_new_dkim": OK,
    "account.signature.delete": OK,
    "account.data_removals.create": OK,
    "account.data_removals.get": OK,
}

POSTMARK_NODE = {
    # templates
    "server.createTemplate": OK,
    "server.getTemplate": OK,
    "server.editTemplate": OK,
    "server.getTemplates": OK,
    "server.validateTemplate": OK,
    "server.deleteTemplate": OK,
    # sending
    "server.sendEmail": OK,
    "server.sendEmailBatch": OK,
    "server.sendEmailWithTemplate": OK,
    "server.sendEmailBatchWithTemplates": OK,
    "server.sendBulkEmail": OK,
    "server.getBulkEmailStatus": OK,
    # bounces
    "server.getDeliveryStatistics": OK,
    "server.getBounces": OK,
    "server.getBounce": OK,
    "server.getBounceDump": OK,
    "server.activateBounce": OK,
    # messages
    "server.getOutboundMessages": OK,
    "server.getOutboundMessageDetails": OK,
    "server.getOutboundMessageDump": OK,
    "server.getMessageOpens": OK,
    "server.getMessageOpensForSingleMessage": OK,
    "server.getMessageClicks": OK,
    "server.getMessageClicksForSingleMessage": OK,
    "server.getInboundMessages": OK,
    "server.getInboundMessageDetails": OK,
    "server.bypassBlockedInboundMessage": OK,
    "server.retryInboundHookForMessage": OK,
    # server, streams, suppressions, webhooks, inbound rules
    "server.getServer": OK,
    "server.editServer": OK,
    "server.getMessageStreams": OK,
    "server.getMessageStream": OK,
    "server.createMessageStream": OK,
    "server.editMessageStream": OK,
    "server.archiveMessageStream": OK,
    "server.unarchiveMessageStream": OK,
    "server.createSuppressions": OK,
    "server.getSuppressions": OK,
    "server.deleteSuppressions": OK,
    "server.createWebhook": OK,
    "server.getWebhooks": OK,
    "server.getWebhook": OK,
    "server.editWebhook": OK,
    "server.deleteWebhook": OK,
    "server.createInboundRuleTrigger": OK,
    "server.getInboundRuleTriggers": OK,
    "server.deleteInboundRuleTrigger": OK,
    # statistics
    "server.getOutboundOverview": OK,
    "server.getSentCounts": OK,
    "server.getBounceCounts": OK,
    "server.getSpamComplaintsCounts": OK,
    "server.getTrackedEmailCounts": OK,
    "server.getEmailOpenCounts": OK,
    "server.getEmailOpenPlatformUsage": OK,
    "server.getEmailOpenClientUsage": OK,
    "server.getEmailOpenReadTimes": OK,
    "server.getClickCounts": OK,
    "server.getClickBrowserUsage": OK,
    "server.getClickPlatformUsage": OK,
    "server.getClickLocation": OK,
    # account API
    "account.createServer": OK,
    "account.getServer": OK,
    "account.editServer": OK,
    "account.getServers": OK,
    "account.pushTemplates": OK,
    "account.deleteServer": OK,
    "account.createDomain": OK,
    "account.getDomain": OK,
    "account.editDomain": OK,
    "account.getDomains": OK,
    "account.verifyDomainSPF": OK,
    "account.verifyDomainDKIM": OK,
    "account.verifyDomainReturnPath": OK,
    "account.rotateDomainDKIM": OK,
    "account.deleteDomain": OK,
    "account.createSenderSignature": OK,
    "account.getSenderSignature": OK,
    "account.editSenderSignature": OK,
    "account.getSenderSignatures": OK,
    "account.resendSenderSignatureConfirmation": OK,
    "account.verifySenderSignatureSPF": OK,
    "account.requestNewDKIMForSenderSignature": OK,
    "account.deleteSenderSignature": OK,
    "account.requestDataRemoval": OK,
    "account.getDataRemovalStatus": OK,
}
