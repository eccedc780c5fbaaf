"""The sandbox's SQLite storage: tables, rows and filters, no Postmark rules.

:mod:`.database` assembles :class:`~.database.Store` from table groups that
share one connection (:mod:`.connection`): outbound mail, templates and
streams (:mod:`.database`), server settings and webhooks (:mod:`.settings`),
received mail and inbound rules (:mod:`.inbound`).
"""
