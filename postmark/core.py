"""The classic python-postmark API: ``PMMail``, ``PMBatchMail``, ``PMBounceManager``.

Every keyword, property, setting and error message of python-postmark 0.7
keeps its meaning; underneath, each class is a thin layer over the transport
and API sections of :class:`postmark.ServerClient`,
so they share its keep-alive connections, timeouts, retries and exceptions.
The old bugs are gone: batches send every message, HTTP errors raise, the
bounce API uses HTTPS.
"""

from __future__ import annotations

import json
import logging
import threading
import warnings
from collections.abc import Callable, Mapping
from itertools import chain
from operator import attrgetter
from typing import Any

from postmark import config
from postmark.client import ServerClient
from postmark.exceptions import (  # noqa: F401  (legacy names importable from postmark.core)
    InvalidMessageError,
    MissingValueError,
    PMMailInactiveRecipientException,
    PMMailMissingValueException,
    PMMailSendException,
    PMMailServerErrorException,
    PMMailUnauthorizedException,
    PMMailUnprocessableEntityException,
    PMMailURLException,
    PostmarkError,
)
from postmark.outcomes import BatchResult, SendOutcome
from postmark.parallel import check_concurrency
from postmark.payloads import MESSAGE_FIELDS, build_message_from, check_message
from postmark.protocol import _json_default
from postmark.sending import BatchPlan, Outgoing

logger = logging.getLogger("postmark")

__POSTMARK_URL__ = "https://api.postmarkapp.com/"


class PMJSONEncoder(json.JSONEncoder):
    """JSON encoder that also handles Django lazy translation strings (legacy name)."""

    def default(self, o: Any) -> Any:
        return _json_default(o)


# --------------------------------------------------------------------------
# One shared client per token: connections are reused across messages.


_clients: dict[tuple[str, str | None], ServerClient] = {}
_clients_lock = threading.Lock()
_MAX_CLIENTS = 16


def shared_client(api_key: str) -> ServerClient:
    """The process-wide client for ``api_key`` and the current base URL."""
    key = (api_key, config.lookup("POSTMARK_API_URL"))
    client = _clients.get(key)
    if client is not None:
        return client
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) >= _MAX_CLIENTS:
                _clients.pop(next(iter(_clients)))
            client = _clients[key] = ServerClient(api_key)
    return client


def _print_test_json(payload: Any) -> None:
    # Test mode shows the JSON instead of sending it, exactly as 0.x printed it.
    print("JSON message is:\n" + json.dumps(payload, cls=PMJSONEncoder))


# --------------------------------------------------------------------------
# Fields


class _Field:
    """A legacy property: get, set (optionally checked) and delete back to the default.

    ``setting`` names a configuration value used while the field is unset
    (how PMMail has always picked up ``POSTMARK_API_KEY`` and friends).
    """

    def __init__(
        self,
        doc: str,
        default: Callable[[], Any] = lambda: None,
        check: Callable[[Any], Any] | None = None,
        setting: Callable[[], Any] | None = None,
    ) -> None:
        self.__doc__ = doc
        self.default = default
        self.check = check
        self.setting = setting

    def __set_name__(self, owner: type, name: str) -> None:
        # Field ``x`` is stored as ``__dict__["x"]``, under its own name: the
        # descriptor, a data descriptor, still handles every access, and a
        # PMMail's keywords can be stored with one ``__dict__.update``
        # (PMMail.__init__, _fields and _plain_payload rely on it). An alias
        # (``recipient = to``) keeps the first name's key.
        if not hasattr(self, "attr"):
            self.attr = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.attr] if self.attr in obj.__dict__ else self.default()
        if not value and self.setting is not None:
            return self.setting() or value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.attr] = self.check(value) if self.check else value

    def __delete__(self, obj: Any) -> None:
        obj.__dict__[self.attr] = self.default()

    def explicit(self, obj: Any) -> Any:
        """The value set on ``obj`` itself, ignoring settings."""
        return obj.__dict__.get(self.attr)


def _check_headers(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError("Custom headers must be a dictionary of key-value pairs")
    return value


def _check_metadata(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError("Metadata must be a dictionary of key-value pairs")
    for key, item in value.items():
        if not isinstance(key, (str, int)) or not isinstance(item, (str, int)):
            raise TypeError("Metadata keys and values can only be strings or integers")
    return value


def _check_attachments(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("Attachments must be a list")
    return value


def _server_token() -> Any:
    return config.lookup("POSTMARK_SERVER_TOKEN")


class _Defaults:
    """The settings a PMMail falls back to, read once per ``send()``.

    Never kept longer: a changed Django setting or environment variable
    applies to the next send. (Reading them per field access cost more than
    building the message: ``config.lookup`` consults Django and the
    environment each time.)
    """

    __slots__ = ("sender", "track_opens")

    def __init__(self, sender: Any, track_opens: bool) -> None:
        self.sender = sender
        self.track_opens = track_opens

    @classmethod
    def read(cls) -> _Defaults:
        return cls(config.lookup("POSTMARK_SENDER"), config.lookup_bool("POSTMARK_TRACK_OPENS"))


_NO_API_KEY = "Cannot send an e-mail without a Postmark API Key"


def _first_gap(fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """python-postmark's message for the first missing value (after the API key)
    and the Postmark field it is about, or None."""
    sender, to, bcc, subject = fields["sender"], fields["to"], fields["bcc"], fields["subject"]
    template_id, template_alias = fields["template_id"], fields["template_alias"]
    template_model = fields["template_model"]
    templated = template_id or template_alias
    if not sender:
        return "Cannot send an e-mail without a sender (.sender field)", "From"
    if not to and not bcc:
        return (
            "Cannot send an e-mail without at least one recipient (.to field or .bcc field)",
            "To",
        )
    if template_id and not template_model:
        return (
            "Cannot send a template e-mail without a both template_id and template_model set",
            "TemplateModel",
        )
    if template_alias and not template_model:
        return (
            "Cannot send a template e-mail without both a template_alias and template_model set",
            "TemplateModel",
        )
    if template_model and not templated:
        return (
            "Cannot send a template e-mail without either a template_id or template_alias set",
            "TemplateId",
        )
    if not templated and not template_model and not subject:
        return "Cannot send an e-mail without a subject", "Subject"
    if not fields["html_body"] and not fields["text_body"] and not templated:
        return (
            "Cannot send an e-mail without either an HTML or text version of your e-mail body",
            "TextBody",
        )
    return None


#: (build_message field, PMMail attribute, which is also its key in __dict__) for every field.
_FIELD_ATTRIBUTES = tuple(
    (name, "custom_headers" if name == "headers" else name) for name in MESSAGE_FIELDS
)

# --------------------------------------------------------------------------
# The plain message, built the short way
#
# Most messages hold nothing but text fields: a sender, recipients, a
# subject, bodies. For those, _plain_payload builds the JSON dict straight
# from the PMMail's __dict__, the same dict build_message_from would build
# after _first_gap's checks, in a fraction of the time (a 10,000-message
# batch builds 10,000). Any other message goes the long way.

#: PMMail's text fields after the sender, as (attribute, Postmark key), in
#: build_message_from's key order (MessageStream is its last key).
_TEXT_FIELDS = (
    ("to", "To"),
    ("cc", "Cc"),
    ("bcc", "Bcc"),
    ("subject", "Subject"),
    ("reply_to", "ReplyTo"),
    ("tag", "Tag"),
    ("html_body", "HtmlBody"),
    ("text_body", "TextBody"),
    ("message_stream", "MessageStream"),
)
#: The other message fields: a PMMail with any of them set goes the long way.
_OTHER_FIELDS = frozenset(
    attr for _, attr in _FIELD_ATTRIBUTES if attr not in dict(_TEXT_FIELDS) and attr != "sender"
)
#: The text fields a PMMail with this set of __dict__ keys holds, or None
#: (another field is set, or a legacy check would fail: the long way says
#: which). Messages of a batch are usually built alike: a few shapes at most.
_PLANS: dict[tuple[str, ...], tuple[tuple[str, str], ...] | None] = {}
_MAX_PLANS = 64


def _plan(shape: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    if not _OTHER_FIELDS.isdisjoint(shape):
        return None
    plan = tuple((attr, key) for attr, key in _TEXT_FIELDS if attr in shape)
    keys = {key for _, key in plan}
    # _first_gap's rules for a message without template fields, every value
    # being a non-empty string (checked per message): a recipient in To or
    # Bcc, a Subject, a body.
    if not (keys & {"To", "Bcc"} and "Subject" in keys and keys & {"HtmlBody", "TextBody"}):
        return None
    return plan


def _plain_payload(own: dict[str, Any], defaults: _Defaults) -> dict[str, Any] | None:
    """Postmark's JSON for a PMMail of text fields only, before check_message; else None.

    Equivalent to ``build_message_from(_checked_fields(defaults))`` without
    its ``check_message`` for such a message: every value set is a non-empty
    ``str``, so build_message_from would keep each one as it is (an address
    string needs no joining), in the order of :data:`_TEXT_FIELDS`, and
    _first_gap finds nothing missing (:func:`_plan`). A value that is not a
    non-empty ``str`` (a list of addresses, ``""``) returns None: the long
    way then builds it, or raises the legacy error.
    """
    shape = tuple(own)
    try:
        plan = _PLANS[shape]
    except KeyError:
        plan = _plan(shape)
        if len(_PLANS) < _MAX_PLANS:
            _PLANS[shape] = plan
    if plan is None:
        return None
    sender = own.get("sender") or defaults.sender
    if type(sender) is not str or not sender:
        return None
    payload: dict[str, Any] = {"From": sender}
    for attr, key in plan:
        value = own[attr]
        if type(value) is not str or not value:
            return None
        payload[key] = value
    if defaults.track_opens:  # POSTMARK_TRACK_OPENS: TrackOpens goes before MessageStream
        stream = payload.pop("MessageStream", None)
        payload["TrackOpens"] = True
        if stream is not None:
            payload["MessageStream"] = stream
        if "HtmlBody" not in payload:
            _warn_track_opens()
    return payload


def _warn_track_opens() -> None:
    logger.warning(
        ".track_opens set to True with no .html_body set. "
        "Tracking opens will not work; message will still send."
    )


# --------------------------------------------------------------------------
# PMMail


class PMMail:
    """One email, sent with ``send()``.

    Keyword arguments: ``api_key``, ``sender``, ``reply_to``, ``to`` (or legacy
    ``recipient``), ``cc``, ``bcc`` (strings, comma-separated, or lists),
    ``subject``, ``tag``, ``html_body``, ``text_body``, ``track_opens``,
    ``track_links``, ``custom_headers`` (dict), ``attachments`` (list),
    ``metadata`` (dict), ``template_id``, ``template_alias``,
    ``template_model``, ``inline_css``, ``message_stream``.

    ``api_key``, ``sender`` and ``track_opens`` fall back to the settings
    ``POSTMARK_SERVER_TOKEN``/``POSTMARK_API_KEY``, ``POSTMARK_SENDER`` and
    ``POSTMARK_TRACK_OPENS`` (Django settings or environment variables).
    """

    api_key = _Field("The server API token.", setting=_server_token)
    sender = _Field(
        'The From address, "name@example.com" or "Name <name@example.com>".',
        setting=lambda: config.lookup("POSTMARK_SENDER"),
    )
    reply_to = _Field("The Reply-To address(es).")
    to = _Field("The recipients: a comma-separated string or a list.")
    cc = _Field("The Cc recipients: a comma-separated string or a list.")
    bcc = _Field("The Bcc recipients: a comma-separated string or a list.")
    subject = _Field("The subject line.")
    tag = _Field("One tag, to group messages in Postmark's statistics.")
    html_body = _Field("The HTML body.")
    text_body = _Field("The plain-text body.")
    track_opens = _Field(
        "Track opens (needs an HTML body).",
        default=lambda: False,
        setting=lambda: config.lookup_bool("POSTMARK_TRACK_OPENS"),
    )
    track_links = _Field('Link tracking: "None", "HtmlAndText", "HtmlOnly" or "TextOnly".')
    custom_headers = _Field("Extra headers, as a dict.", default=dict, check=_check_headers)
    attachments = _Field("Attachments, as a list.", default=list, check=_check_attachments)
    metadata = _Field(
        "Metadata key/values returned in webhooks.", default=dict, check=_check_metadata
    )
    template_id = _Field("The id of a Postmark template.")
    template_alias = _Field("The alias of a Postmark template.")
    template_model = _Field("The values that fill the template.")
    inline_css = _Field("Inline the template's <style> blocks (Postmark's default: true).")
    message_stream = _Field('The message stream; Postmark\'s default is "outbound".')
    message_id = _Field("The MessageID Postmark assigned, set by send().")
    recipient = to  # legacy alias
    _own_fields = True  # see __init_subclass__

    _KEYWORDS = frozenset(
        {
            "api_key",
            "sender",
            "reply_to",
            "to",
            "recipient",
            "cc",
            "bcc",
            "subject",
            "tag",
            "html_body",
            "text_body",
            "track_opens",
            "track_links",
            "custom_headers",
            "attachments",
            "metadata",
            "template_id",
            "template_alias",
            "template_model",
            "inline_css",
            "message_stream",
        }
    )

    def __init__(self, **kwargs: Any) -> None:
        if type(self)._own_fields and _UNCHECKED_KEYWORDS.issuperset(kwargs):
            # What the setattr() loop below stores for these keywords (no
            # check, stored under their own names), in one call. (issuperset
            # rather than ``kwargs.keys() <=``: the same test, no keys view.)
            self.__dict__.update(kwargs)
        else:
            self._set_keywords(kwargs)
        self.inactive_recipients: list[str] = []

    def _set_keywords(self, kwargs: dict[str, Any]) -> None:
        unknown = sorted(set(kwargs) - self._KEYWORDS)
        if unknown:
            # 0.x ignored unknown keywords silently; a typo then lost data.
            warnings.warn(
                f"PMMail ignores unknown keyword(s) {', '.join(unknown)}; "
                f"known ones: {', '.join(sorted(self._KEYWORDS))}.",
                stacklevel=3,
            )
        for key, value in kwargs.items():
            if key in self._KEYWORDS:
                setattr(self, key, value)

    def __repr__(self) -> str:
        return f"<PMMail to={self.to!r} subject={self.subject!r}>"

    @property
    def messages(self) -> list[PMMail]:
        """``[self]``, so one message and a batch can be handled alike (legacy)."""
        return [self]

    @property
    def outcome(self) -> SendOutcome | None:
        """What happened to this message in the last ``PMBatchMail.send()`` (None before)."""
        outcome = self.__dict__.get("_outcome")
        if type(outcome) is tuple:  # (BatchResult, position): see _record_outcomes
            result, position = outcome
            outcome = self.__dict__["_outcome"] = result[position]
        return outcome

    @outcome.setter
    def outcome(self, value: SendOutcome | None) -> None:
        self.__dict__["_outcome"] = value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass that overrides a field (a property of its own) is read
        # through its attributes; PMMail itself straight from __dict__.
        cls._own_fields = cls.__setattr__ is object.__setattr__ and all(
            getattr(cls, attr) is getattr(PMMail, attr) for attr in _OWN_ATTRIBUTES
        )

    def _check_values(self, require_api_key: bool = True) -> None:
        """Raise :class:`MissingValueError` with python-postmark's message for the first gap."""
        if require_api_key and not self.api_key:
            raise MissingValueError(_NO_API_KEY)
        self._checked_fields(_Defaults.read())

    def _fields(self, defaults: _Defaults) -> dict[str, Any]:
        """Each field's value, picked once: set on the message, else from ``defaults``.

        The only place field values are read. PMMail reads ``__dict__``
        directly (field ``x`` is stored as ``_x``): going through each
        property, with its settings lookup, cost more than building the
        message. A subclass that overrides fields is read through them.
        """
        if type(self)._own_fields:
            own = self.__dict__
            fields = {name: own.get(attr) for name, attr in _FIELD_ATTRIBUTES}
            fields["sender"] = fields["sender"] or defaults.sender or fields["sender"]
            fields["track_opens"] = fields["track_opens"] or defaults.track_opens
        else:
            fields = {name: getattr(self, attr) for name, attr in _FIELD_ATTRIBUTES}
        fields["track_opens"] = True if fields["track_opens"] else None
        return fields

    def _checked_fields(self, defaults: _Defaults) -> dict[str, Any]:
        """:meth:`_fields` after the legacy missing-value checks (0.x's messages)."""
        fields = self._fields(defaults)
        gap = _first_gap(fields)
        if gap:
            message, field = gap
            raise MissingValueError(message, field=field)
        if fields["track_opens"] and not fields["html_body"]:
            _warn_track_opens()
        return fields

    def to_json_message(self) -> dict[str, Any]:
        """The message in Postmark's JSON form (what ``send()`` posts)."""
        return build_message_from(self._fields(_Defaults.read()))

    def _payload(self, defaults: _Defaults) -> dict[str, Any]:
        """The checked payload: legacy checks, then the one build and its checks."""
        cls = type(self)
        if cls._own_fields and cls.to_json_message is PMMail.to_json_message:
            plain = _plain_payload(self.__dict__, defaults)
            if plain is not None:
                return check_message(plain)
        if cls.to_json_message is not PMMail.to_json_message:
            # A subclass that builds its own JSON: check what it returns as
            # any caller-made dict would be.
            self._checked_fields(defaults)
            payload = self.to_json_message()
            check_message(payload)
            return payload
        return build_message_from(self._checked_fields(defaults))

    def to_postmark(self) -> dict[str, Any]:
        """The checked payload, with the current settings (what batches send)."""
        return self._payload(_Defaults.read())

    def send(self, test: bool | None = None, return_json: bool | None = None) -> Any:
        """Send the message.

        ``POST /email`` (``POST /email/withTemplate`` with a template).

        Args:
            test: print the JSON instead of sending (default ``POSTMARK_TEST_MODE``).
            return_json: return Postmark's answer instead of ``True``
                (default ``POSTMARK_RETURN_JSON``).

        Returns:
            ``True`` (or Postmark's answer dict); ``None`` in test mode.
            ``.message_id`` is set on success.

        Raises:
            PMMailMissingValueException: a required field is missing (nothing sent).
            PMMailUnauthorizedException, PMMailUnprocessableEntityException,
            PMMailInactiveRecipientException, PMMailServerErrorException,
            PMMailURLException: as their names say; all are PostmarkError.
        """
        api_key = self.api_key
        if not api_key:
            raise MissingValueError(_NO_API_KEY)
        payload = self._payload(_Defaults.read())
        if config.lookup_bool("POSTMARK_TEST_MODE", test):
            _print_test_json(payload)
            return None
        # The payload has just passed every check: sent as it is, not checked
        # and copied a second time by client.email.send (see docs/performance.md).
        response = shared_client(api_key).transport.perform(Outgoing(payload).request())
        self.message_id = response.message_id
        self.inactive_recipients = response.inactive_recipients
        if config.lookup_bool("POSTMARK_RETURN_JSON", return_json):
            return response
        return True


#: What PMMail reads and writes in its __dict__ directly, unless a subclass overrides it.
_OWN_ATTRIBUTES = (*(attr for _, attr in _FIELD_ATTRIBUTES), "message_id", "outcome")

#: The keywords PMMail stores as given, under their own names (no check, no alias).
_UNCHECKED_KEYWORDS = frozenset(
    key
    for key in PMMail._KEYWORDS
    if PMMail.__dict__[key].check is None and PMMail.__dict__[key].attr == key
)


# --------------------------------------------------------------------------
# PMBatchMail


class PMBatchMail:
    """Many PMMail messages sent through Postmark's batch endpoints.

    ``PMBatchMail(messages=[...], api_key=...)``: as in 0.7, every request
    carries the batch's ``api_key``; a message's own key is used only when
    the batch has none. ``send()`` checks every message first (nothing is
    sent if one is incomplete), sends all of them, 500 per request, and
    raises after the last request if any failed; ``outcomes`` then says what
    happened to each. ``concurrency=N`` (new) keeps N of those requests in
    flight at once; the default, 1, sends them one after another as 0.7 did.
    """

    MAX_MESSAGES = 500

    api_key = _Field("The server API token of every request.", setting=_server_token)
    messages = _Field("The PMMail objects to send.", default=list)

    def __init__(self, **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - {"api_key", "messages", "concurrency"})
        if unknown:
            warnings.warn(
                f"PMBatchMail ignores unknown keyword(s) {', '.join(unknown)}.", stacklevel=2
            )
        self.api_key = kwargs.get("api_key")
        self.messages = kwargs.get("messages") if kwargs.get("messages") is not None else []
        #: Requests in flight at once (1: one after another, as in 0.7).
        concurrency = kwargs.get("concurrency")
        self.concurrency = 1 if concurrency is None else check_concurrency(concurrency)
        self.outcomes: BatchResult | None = None

    def __repr__(self) -> str:
        return f"<PMBatchMail {len(self.messages)} messages>"

    @property
    def template(self) -> bool:
        """Whether any message uses a template (legacy flag)."""
        return any(m.template_id or m.template_alias for m in self.messages)

    def add_message(self, message: PMMail) -> None:
        self.messages.append(message)

    def remove_message(self, message: PMMail) -> None:
        if message in self.messages:
            self.messages.remove(message)

    def send(
        self,
        test: bool | None = None,
        return_json: bool | None = None,
        *,
        concurrency: int | None = None,
    ) -> Any:
        """Check every message, then send them all; raise after the last request if any failed.

        ``POST /email/batch`` and ``POST /email/batchWithTemplates``, 500
        messages (and at most 50 MB) per request, all with the batch's
        ``api_key`` (argument, setter, or the ``POSTMARK_API_KEY`` /
        ``POSTMARK_SERVER_TOKEN`` setting). Only when the batch has no key
        does each message go with its own, one group of requests per key.

        ``concurrency`` (default: the batch's, else 1) sends that many of
        those requests side by side (see ``client.email.send_batch``);
        every message is still checked before the first one, and the raise
        still comes after the last.

        Returns:
            ``True``, or with ``return_json`` a list of Postmark's per-message
            answers in input order.

        Raises:
            PMMailMissingValueException: before anything is sent (test mode
                included), for the first message with a missing value, with
                0.7's exact ``.parameter``; ``.message_index`` (and ``str()``)
                say which message it was.
            PMMailInactiveRecipientException: the failures are inactive recipients.
            PostmarkError: otherwise the class of the first failure; ``.outcomes``
                lists every message's outcome.
        """
        width = check_concurrency(self.concurrency if concurrency is None else concurrency)
        groups, payloads = self._checked()
        if config.lookup_bool("POSTMARK_TEST_MODE", test):
            for start in range(0, len(payloads), self.MAX_MESSAGES):
                _print_test_json(payloads[start : start + self.MAX_MESSAGES])
            return True
        results: list[BatchResult] = []
        for token, indexes in groups.items():
            plan = BatchPlan()
            # (index, payload) pairs, made in C rather than by a generator.
            plan.add_payloads(zip(indexes, map(payloads.__getitem__, indexes), strict=True))
            results.append(shared_client(token).email.send_batch(plan, concurrency=width))
        # One token (the usual case): its result already holds every message, in order.
        self.outcomes = (
            results[0]
            if len(results) == 1
            else BatchResult(sorted(chain.from_iterable(results), key=attrgetter("index")))
        )
        _record_outcomes(self.messages, self.outcomes)
        self.outcomes.raise_for_failures()
        if config.lookup_bool("POSTMARK_RETURN_JSON", return_json):
            return self.outcomes.as_dicts()
        return True

    def _checked(self) -> tuple[dict[str, list[int]], list[dict[str, Any]]]:
        """Every message's payload and the request token of each, or 0.7's error.

        As in 0.7, nothing is sent unless every message is complete.
        """
        batch_token = self.api_key or ""  # read once: it may come from the settings
        defaults = _Defaults.read()
        groups: dict[str, list[int]] = {}
        payloads: list[dict[str, Any]] = []
        for index, message in enumerate(self.messages):
            try:
                token = batch_token or message.api_key
                if not token:
                    raise MissingValueError(_NO_API_KEY)
                payloads.append(message._payload(defaults))
            except MissingValueError as error:
                error.message_index = index
                error.message = f"{error.parameter} (message #{index + 1} of the batch)"
                error.args = (error.message,)
                raise
            if not batch_token:
                groups.setdefault(token, []).append(index)
        if batch_token and payloads:
            groups[batch_token] = list(range(len(payloads)))
        return groups, payloads


def _record_outcomes(messages: list[PMMail], result: BatchResult) -> None:
    """Each message's ``outcome`` and ``message_id`` from its batch's result.

    A PMMail's outcome is made when first read (:attr:`PMMail.outcome`), as
    the result's own are: it records where to find it.
    """
    ids = result.message_ids
    for position, (message, message_id) in enumerate(zip(messages, ids, strict=True)):
        if type(message)._own_fields:
            own = message.__dict__
            own["message_id"] = message_id
            own["_outcome"] = (result, position)
        else:  # a subclass with fields of its own: through its attributes
            message.outcome = result[position]
            message.message_id = message_id


# --------------------------------------------------------------------------
# PMBounceManager


class PMBounceManager:
    """Read and reactivate bounces (legacy API over ``client.bounces``)."""

    api_key = _Field("The server API token.", setting=_server_token)

    def __init__(self, **kwargs: Any) -> None:
        self.api_key = kwargs.get("api_key")

    def __repr__(self) -> str:
        return "<PMBounceManager>"

    def _check_values(self) -> None:
        if not self.api_key:
            raise MissingValueError("Cannot check bounces without a Postmark Server API Key")

    @property
    def _bounces(self) -> Any:
        self._check_values()
        return shared_client(self.api_key).bounces

    def delivery_stats(self) -> dict[str, Any]:
        """``GET /deliverystats``: inactive addresses and bounce counts by type."""
        result: dict[str, Any] = self._bounces.delivery_stats()
        return result

    def get_all(
        self,
        inactive: bool | str = "",
        email_filter: str = "",
        tag: str = "",
        count: int = 25,
        offset: int = 0,
        **filters: Any,
    ) -> dict[str, Any]:
        """``GET /bounces``: one page of bounces.

        The old positional arguments are kept; Postmark's other filters are
        keywords: ``type``, ``message_id``, ``from_date``, ``to_date``,
        ``message_stream``. Empty values are left out of the query.
        """
        flag: bool | str | None = inactive
        if isinstance(inactive, str):
            flag = {"true": True, "false": False}.get(inactive.strip().lower())
        result: dict[str, Any] = self._bounces.list(
            count,
            offset,
            inactive=flag,
            email_filter=email_filter or None,
            tag=tag or None,
            **filters,
        )
        return result

    def get_single(self, bounce_id: int | str) -> dict[str, Any]:
        """``GET /bounces/{id}``: one bounce."""
        result: dict[str, Any] = self._bounces.get(bounce_id)
        return result

    def get_dump(self, bounce_id: int | str) -> dict[str, Any]:
        """``GET /bounces/{id}/dump``: ``{"Body": raw SMTP source}``."""
        result: dict[str, Any] = self._bounces.dump(bounce_id)
        return result

    def activate(self, bounce_id: int | str) -> dict[str, Any]:
        """``PUT /bounces/{id}/activate`` (over HTTPS): reactivate the address."""
        result: dict[str, Any] = self._bounces.activate(bounce_id)
        return result

    def get_tags(self) -> Any:
        """``GET /bounces/tags`` (legacy; Postmark may answer 404, which raises)."""
        return self._bounces.tags()


__all__ = [
    "PMBatchMail",
    "PMBounceManager",
    "PMJSONEncoder",
    "PMMail",
    "PMMailInactiveRecipientException",
    "PMMailMissingValueException",
    "PMMailSendException",
    "PMMailServerErrorException",
    "PMMailURLException",
    "PMMailUnauthorizedException",
    "PMMailUnprocessableEntityException",
]
