"""Former home of the batch outcome classes (1.0); kept so its imports still work.

Outcomes now live in :mod:`postmark.outcomes`, batch planning in
:mod:`postmark.sending`.
"""

from postmark.outcomes import (
    BatchResult,
    SendOutcome,
    entry_error,
    failed_outcome,
    missing_answer,
    outcome_from_entry,
)
from postmark.sending import Chunk, chunk_encoded

__all__ = [
    "BatchResult",
    "Chunk",
    "SendOutcome",
    "chunk_encoded",
    "entry_error",
    "failed_outcome",
    "missing_answer",
    "outcome_from_entry",
]
