"""TypedDicts for Postmark's main answers (keys exactly as Postmark sends them).

Every section returns Postmark's JSON unchanged; these types only describe
it for editors and type checkers. They are ``total=False`` because Postmark
leaves keys out (empty stats days, optional fields) and adds new ones over
time: read optional keys with ``.get()``.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Acknowledgement(TypedDict, total=False):
    """``{"ErrorCode": 0, "Message": "... removed."}``: the answer of deletes and actions."""

    ErrorCode: int
    Message: str


# -- email (bulk) --------------------------------------------------------------


class BulkStatus(TypedDict, total=False):
    Id: str
    SubmittedAt: str
    TotalMessages: int
    PercentageCompleted: float
    Status: str
    ReleasedCount: int
    FailedCount: int
    Subject: str


class BulkRequestList(TypedDict, total=False):
    Requests: list[BulkStatus]
    PaginationKey: str | None


# -- templates -------------------------------------------------------------------


class TemplateSummary(TypedDict, total=False):
    Active: bool
    TemplateId: int
    Name: str
    Alias: str | None
    TemplateType: str
    LayoutTemplate: str | None


class Template(TemplateSummary, total=False):
    Subject: str
    HtmlBody: str
    TextBody: str
    AssociatedServerId: int


class TemplateList(TypedDict, total=False):
    TotalCount: int
    Templates: list[TemplateSummary]


class TemplateValidationError(TypedDict, total=False):
    Message: str
    Line: int
    CharacterPosition: int


class TemplatePartValidation(TypedDict, total=False):
    ContentIsValid: bool
    ValidationErrors: list[TemplateValidationError]
    RenderedContent: str


class TemplateValidation(TypedDict, total=False):
    AllContentIsValid: bool
    HtmlBody: TemplatePartValidation
    TextBody: TemplatePartValidation
    Subject: TemplatePartValidation
    SuggestedTemplateModel: dict[str, Any]


class TemplatePushAction(TypedDict, total=False):
    Action: str
    TemplateId: int
    Alias: str
    Name: str
    TemplateType: str


class TemplatePushResult(TypedDict, total=False):
    TotalCount: int
    Templates: list[TemplatePushAction]


# -- servers -------------------------------------------------------------------------


class Server(TypedDict, total=False):
    ID: int
    Name: str
    ApiTokens: list[str]
    Color: str
    SmtpApiActivated: bool
    RawEmailEnabled: bool
    DeliveryType: str
    ServerLink: str
    InboundAddress: str
    InboundHookUrl: str
    BounceHookUrl: str
    OpenHookUrl: str
    DeliveryHookUrl: str
    ClickHookUrl: str
    PostFirstOpenOnly: bool
    InboundDomain: str
    InboundHash: str
    InboundSpamThreshold: int
    TrackOpens: bool
    TrackLinks: str
    IncludeBounceContentInHook: bool
    EnableSmtpApiErrorHooks: bool


class ServerList(TypedDict, total=False):
    TotalCount: int
    Servers: list[Server]


# -- outbound messages -------------------------------------------------------------


class EmailAddress(TypedDict, total=False):
    Email: str
    Name: str


class OutboundMessage(TypedDict, total=False):
    Tag: str
    MessageID: str
    MessageStream: str
    To: list[EmailAddress]
    Cc: list[EmailAddress]
    Bcc: list[EmailAddress]
    Recipients: list[str]
    ReceivedAt: str
    From: str
    Subject: str
    Attachments: list[str]
    Status: str
    TrackOpens: bool
    TrackLinks: str
    Metadata: dict[str, str]
    Sandboxed: bool


class MessageEvent(TypedDict, total=False):
    Recipient: str
    Type: str
    ReceivedAt: str
    Details: dict[str, Any]


class OutboundMessageDetails(OutboundMessage, total=False):
    TextBody: str
    HtmlBody: str
    Body: str
    MessageEvents: list[MessageEvent]


class OutboundMessageList(TypedDict, total=False):
    TotalCount: int
    Messages: list[OutboundMessage]


class Dump(TypedDict, total=False):
    """``{"Body": raw source}``; the body is empty when Postmark no longer keeps it."""

    Body: str


class OpenEvent(TypedDict, total=False):
    RecordType: str
    MessageID: str
    MessageStream: str
    ReceivedAt: str
    Recipient: str
    Tag: str
    FirstOpen: bool
    UserAgent: str
    Client: dict[str, Any]
    OS: dict[str, Any]
    Platform: str
    Geo: dict[str, Any]
    Metadata: dict[str, str]


class ClickEvent(OpenEvent, total=False):
    ClickLocation: str
    OriginalLink: str


class OpenList(TypedDict, total=False):
    TotalCount: int
    Opens: list[OpenEvent]


class ClickList(TypedDict, total=False):
    TotalCount: int
    Clicks: list[ClickEvent]


# -- inbound messages ------------------------------------------------------------------


class InboundAddress(TypedDict, total=False):
    Email: str
    Name: str
    MailboxHash: str


class InboundMessage(TypedDict, total=False):
    From: str
    FromName: str
    FromFull: InboundAddress
    To: str
    ToFull: list[InboundAddress]
    Cc: str
    CcFull: list[InboundAddress]
    Bcc: str
    BccFull: list[InboundAddress]
    ReplyTo: str
    OriginalRecipient: str
    Subject: str
    Date: str
    MailboxHash: str
    Tag: str
    MessageID: str
    Status: str
    Attachments: list[dict[str, Any]]
    MessageStream: str


class InboundMessageDetails(InboundMessage, total=False):
    TextBody: str
    HtmlBody: str
    StrippedTextReply: str
    Headers: list[dict[str, str]]
    BlockedReason: str


class InboundMessageList(TypedDict, total=False):
    TotalCount: int
    InboundMessages: list[InboundMessage]


# -- message streams and suppressions ----------------------------------------------------


class SubscriptionManagement(TypedDict, total=False):
    UnsubscribeHandlingType: str


class MessageStream(TypedDict, total=False):
    ID: str
    ServerID: int
    Name: str
    Description: str | None
    MessageStreamType: str
    CreatedAt: str
    UpdatedAt: str | None
    ArchivedAt: str | None
    ExpectedPurgeDate: str | None
    SubscriptionManagementConfiguration: SubscriptionManagement


class MessageStreamList(TypedDict, total=False):
    MessageStreams: list[MessageStream]
    TotalCount: int


class ArchivedStream(TypedDict, total=False):
    ID: str
    ServerID: int
    ExpectedPurgeDate: str


class Suppression(TypedDict, total=False):
    EmailAddress: str
    SuppressionReason: str
    Origin: str
    CreatedAt: str


class SuppressionList(TypedDict, total=False):
    Suppressions: list[Suppression]


class SuppressionChange(TypedDict, total=False):
    """One address of a create/delete answer: ``Status`` is Suppressed, Deleted or Failed."""

    EmailAddress: str
    Status: str
    Message: str | None


class SuppressionChanges(TypedDict, total=False):
    Suppressions: list[SuppressionChange]


# -- webhooks ---------------------------------------------------------------------------


class Webhook(TypedDict, total=False):
    ID: int
    Url: str
    MessageStream: str
    HttpAuth: dict[str, str]
    HttpHeaders: list[dict[str, str]]
    Triggers: dict[str, dict[str, bool]]
    Status: str


class WebhookList(TypedDict, total=False):
    Webhooks: list[Webhook]


class WebhookTriggerCheck(TypedDict, total=False):
    TriggerType: str
    Success: bool
    StatusCode: int
    Message: str


class WebhookVerification(TypedDict, total=False):
    """HTTP 200 even when verification failed: look at ``Success``."""

    Id: int
    Url: str
    Success: bool
    Results: list[WebhookTriggerCheck]
    Message: str


# -- stats --------------------------------------------------------------------------------


class OutboundOverview(TypedDict, total=False):
    Sent: int
    Bounced: int
    SMTPApiErrors: int
    BounceRate: float
    SpamComplaints: int
    SpamComplaintsRate: float
    Opens: int
    UniqueOpens: int
    TotalClicks: int
    UniqueLinksClicked: int
    TotalTrackedLinksSent: int
    Tracked: int
    WithLinkTracking: int
    WithOpenTracking: int
    WithClientRecorded: int
    WithPlatformRecorded: int


# -- inbound rules, domains, sender signatures, data removals -------------------------------


class InboundRule(TypedDict, total=False):
    ID: int
    Rule: str


class InboundRuleList(TypedDict, total=False):
    TotalCount: int
    InboundRules: list[InboundRule]


class DomainSummary(TypedDict, total=False):
    ID: int
    Name: str
    SPFVerified: bool
    DKIMVerified: bool
    WeakDKIM: bool
    ReturnPathDomainVerified: bool


class DnsRecords(TypedDict, total=False):
    """The DNS fields shared by domains and sender signatures."""

    SPFHost: str
    SPFTextValue: str
    DKIMHost: str
    DKIMTextValue: str
    DKIMPendingHost: str
    DKIMPendingTextValue: str
    DKIMRevokedHost: str
    DKIMRevokedTextValue: str
    SafeToRemoveRevokedKeyFromDNS: bool
    DKIMUpdateStatus: str
    ReturnPathDomain: str
    ReturnPathDomainCNAMEValue: str


class Domain(DomainSummary, DnsRecords, total=False):
    pass


class DomainList(TypedDict, total=False):
    TotalCount: int
    Domains: list[DomainSummary]


class SPFVerification(TypedDict, total=False):
    SPFHost: str
    SPFVerified: bool
    SPFTextValue: str


class SenderSignatureSummary(TypedDict, total=False):
    ID: int
    Domain: str
    EmailAddress: str
    ReplyToEmailAddress: str
    Name: str
    Confirmed: bool


class SenderSignature(SenderSignatureSummary, DnsRecords, total=False):
    SPFVerified: bool
    DKIMVerified: bool
    WeakDKIM: bool
    ReturnPathDomainVerified: bool
    ConfirmationPersonalNote: str


class SenderSignatureList(TypedDict, total=False):
    TotalCount: int
    SenderSignatures: list[SenderSignatureSummary]


class DataRemoval(TypedDict, total=False):
    """``Status`` is ``Pending`` until Postmark has erased the data, then ``Done``."""

    ID: int
    Status: str
