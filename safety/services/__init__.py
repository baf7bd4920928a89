"""Writes of trust and safety, split by concern.

``from safety.services import audit_record, block_create, ...`` keeps
working whatever module a function lives in.
"""

from .audit import audit_record, clean_text, client_ip
from .blocks import block_create, block_remove
from .moderation import (
    content_hide,
    content_restore,
    mentor_review_decide,
    report_group_dismiss,
    suspension_create,
    suspension_lift,
    warning_create,
)
from .reports import report_create

__all__ = [
    "audit_record",
    "block_create",
    "block_remove",
    "clean_text",
    "client_ip",
    "content_hide",
    "content_restore",
    "mentor_review_decide",
    "report_create",
    "report_group_dismiss",
    "suspension_create",
    "suspension_lift",
    "warning_create",
]
