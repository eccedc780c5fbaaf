"""One module per section of Postmark's API documentation.

Each class describes one section (``client.templates``, ``client.bounces``
...) once; the sync and the async clients run it (see :mod:`postmark.api.base`).
Submodules load on first attribute access (``postmark.api.paging``), so
``import postmark`` stays cheap.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def __getattr__(name: str) -> ModuleType:
    if not name.startswith("_") and name in _submodules():
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _submodules() -> set[str]:
    return {info.name for info in pkgutil.iter_modules(__path__)}
