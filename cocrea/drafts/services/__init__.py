"""Writes to co-creation, one module per noun; every name callers use is re-exported here.

Every function is one atomic operation, audited through the ORM signals (the per-paragraph rows of
a version are written in bulk; the version's full Markdown, saved with it, carries the audit of
the text). Emails go out after the transaction commits.

- :mod:`.documents`: documents, their versions and the text of each version;
- :mod:`.transitions`: a version's workflow (drafted, open, closed, approved);
- :mod:`.contributions`: comments, proposals and replies, and their moderation;
- :mod:`.responses`: the reasoned response to a contribution;
- :mod:`.notifications`: following a document, and the emails;
- :mod:`.reading`: reading a draft's file, and the sentences for what cannot be read;
- :mod:`.importing`: importing a draft's file as a document's next version.
"""

from cocrea.drafts.services.contributions import (
    TEXT_LIMIT,
    contribute,
    dismiss_reports,
    hide_contribution,
    report_abuse,
    represented_organizations,
    restore_contribution,
)
from cocrea.drafts.services.documents import (
    OFFSET,
    VERSION_SUFFIX,
    create_document,
    create_version,
    find_document,
    paragraphs_carried,
    revise_draft,
    split_version_title,
)
from cocrea.drafts.services.importing import DraftImport, import_draft
from cocrea.drafts.services.notifications import (
    REMINDER_BEFORE,
    follow_document,
    notify_answered,
    notify_followers_opened,
    send_closing_reminders,
    unfollow_document,
)
from cocrea.drafts.services.reading import (
    LIMIT_CODES,
    MAX_DRAFT_FILE_BYTES,
    draft_error_message,
    read_draft,
)
from cocrea.drafts.services.responses import respond_to_contribution
from cocrea.drafts.services.transitions import close_due_consultations, is_open_now, transition_version

__all__ = [
    "LIMIT_CODES",
    "MAX_DRAFT_FILE_BYTES",
    "OFFSET",
    "REMINDER_BEFORE",
    "TEXT_LIMIT",
    "VERSION_SUFFIX",
    "DraftImport",
    "close_due_consultations",
    "contribute",
    "create_document",
    "create_version",
    "dismiss_reports",
    "draft_error_message",
    "find_document",
    "follow_document",
    "hide_contribution",
    "import_draft",
    "is_open_now",
    "notify_answered",
    "notify_followers_opened",
    "paragraphs_carried",
    "read_draft",
    "report_abuse",
    "represented_organizations",
    "respond_to_contribution",
    "restore_contribution",
    "revise_draft",
    "send_closing_reminders",
    "split_version_title",
    "transition_version",
    "unfollow_document",
]
