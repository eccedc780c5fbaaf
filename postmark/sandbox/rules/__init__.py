"""Postmark's rules, as the sandbox reads them in Postmark's documentation.

What a send must look like (:mod:`.validation`), what happens to it
(:mod:`.delivery`, :mod:`.bounces`), templates (:mod:`.templates`,
:mod:`.mustachio`), streams (:mod:`.streams`), received mail
(:mod:`.inbound`), webhooks (:mod:`.webhooks`), server settings
(:mod:`.server_settings`), the raw MIME text of a message (:mod:`.mime`)
and Postmark's timestamps (:mod:`.clock`). No request handling and no SQL here.
"""
