"""Legacy import path: ``from postmark.tornado_mixin import PostmarkMixin``.

The mixin now lives in :mod:`postmark.tornado` and sends without blocking
the IOLoop; handlers written for python-postmark 0.x work unchanged.
"""

from postmark.tornado import PostmarkMixin

__all__ = ["PostmarkMixin"]
