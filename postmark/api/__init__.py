"""One module per section of Postmark's API documentation.

Each class wraps one section (``client.templates``, ``client.bounces`` ...)
over a shared :class:`postmark.transport.Transport`.
"""
