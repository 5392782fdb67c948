"""Every write to a case goes through these actions (``check_*`` / ``do_*``).

Each ``do_*`` takes ``(session, actor, ...)``, checks the actor's permission and scope,
validates, writes, appends the audit event in the same transaction and commits, so the
caller can answer "done" only once it is durable. Reads of a case file
(:func:`get_application`, :func:`read_document`, :func:`get_permit`) are audited too.

For the web pages (UI engineer): call these with ``SessionDep`` and the user from
``ruta.web.deps`` (``PageUser`` for pages, ``ApiUser`` for the API); catch nothing --
the app's error handlers turn :class:`~ruta.cases.errors.CasesError` subclasses into the
right status (404 outside scope, 403 role, 409 workflow, 422 input, 429 rate limit).
"""

from ruta.cases.actions.applications import (
    do_submit_application,
    get_application,
    list_applications,
)
from ruta.cases.actions.appointments import (
    AppointmentView,
    DayEntry,
    appointments_of,
    do_book_appointment,
    do_cancel_appointment,
    do_create_office,
    do_mark_attendance,
    do_mark_reminded,
    do_open_slot_range,
    do_open_slots,
    do_queue_reminders,
    do_rebook_appointment,
    due_reminders,
    free_slots,
    get_office,
    list_offices,
    list_slots,
    office_day,
    office_timezone,
    slot_starts,
)
from ruta.cases.actions.audit_log import list_audit_events
from ruta.cases.actions.decisions import (
    check_decide,
    current_decision,
    do_decide,
    do_decision,
    do_propose_decision,
)
from ruta.cases.actions.documents import (
    ChecklistItem,
    do_review_document,
    do_upload_document,
    document_checklist,
    read_document,
)
from ruta.cases.actions.notes import backlog, do_add_note, history, list_notes
from ruta.cases.actions.notifications import (
    UNDELIVERED_STATES,
    do_retry_message,
    do_set_notification_preferences,
    get_notification_preferences,
    list_undelivered,
    messages_of,
    notification_counts,
)
from ruta.cases.actions.permits import do_set_permit_status, get_permit, issue_permit
from ruta.cases.actions.review import (
    check_review_access,
    do_decide_review_pair,
    do_import_review_pairs,
    export_review_decisions,
    get_review_pair,
    list_review_pairs,
)
from ruta.cases.actions.transitions import (
    BulkOutcome,
    check_transition,
    do_assign,
    do_bulk_transition,
    do_transition,
)

__all__ = [
    "UNDELIVERED_STATES",
    "AppointmentView",
    "BulkOutcome",
    "ChecklistItem",
    "DayEntry",
    "appointments_of",
    "backlog",
    "check_decide",
    "check_review_access",
    "check_transition",
    "current_decision",
    "do_add_note",
    "do_assign",
    "do_book_appointment",
    "do_bulk_transition",
    "do_cancel_appointment",
    "do_create_office",
    "do_decide",
    "do_decide_review_pair",
    "do_decision",
    "do_import_review_pairs",
    "do_mark_attendance",
    "do_mark_reminded",
    "do_open_slot_range",
    "do_open_slots",
    "do_propose_decision",
    "do_queue_reminders",
    "do_rebook_appointment",
    "do_retry_message",
    "do_review_document",
    "do_set_notification_preferences",
    "do_set_permit_status",
    "do_submit_application",
    "do_transition",
    "do_upload_document",
    "document_checklist",
    "due_reminders",
    "export_review_decisions",
    "free_slots",
    "get_application",
    "get_notification_preferences",
    "get_office",
    "get_permit",
    "get_review_pair",
    "history",
    "issue_permit",
    "list_applications",
    "list_audit_events",
    "list_notes",
    "list_offices",
    "list_review_pairs",
    "list_slots",
    "list_undelivered",
    "messages_of",
    "notification_counts",
    "office_day",
    "office_timezone",
    "read_document",
    "slot_starts",
]
