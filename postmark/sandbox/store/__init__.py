"""The sandbox's SQLite storage: tables, rows and filters, no Postmark rules.

:class:`~.database.Store` (:mod:`.database`) is assembled from table groups
that share one connection and one lock (:mod:`.connection`): outbound mail
(:mod:`.outbound`: messages, bounces, suppressions), :mod:`.templates`,
:mod:`.streams`, :mod:`.settings` (server settings, webhooks) and
:mod:`.inbound` (received messages, inbound rules).
"""
