"""Every write to a case goes through these actions (``check_*`` / ``do_*``).

Each ``do_*`` takes ``(session, actor, ...)``, checks the actor's permission and scope,
validates, writes, appends the audit event in the same transaction and commits, so the
caller can answer "done" only once it is durable. Reads of a case file
(:func:`read_case`, :func:`get_application`, :func:`read_document`, :func:`get_permit`)
are audited too.

For the web pages (UI engineer): call these with ``SessionDep`` and the user from
``ruta.web.deps`` (``PageUser`` for pages, ``ApiUser`` for the API); catch nothing --
the app's error handlers turn :class:`~ruta.cases.errors.CasesError` subclasses into the
right status (404 outside scope, 403 role, 409 workflow, 422 input, 429 rate limit).
"""

from ruta.cases.actions.accounts import (
    AccountView,
    SessionView,
    do_create_user,
    do_disable_user,
    do_enable_user,
    do_reset_password,
    do_reset_second_factor,
    do_revoke_other_sessions,
    do_revoke_session,
    do_revoke_user_sessions,
    do_set_role,
    generated_password,
    get_user,
    list_sessions,
    list_users,
)
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
    do_mark_attendance,
    do_mark_reminded,
    do_open_slot_range,
    do_open_slots,
    do_queue_reminders,
    do_rebook_appointment,
    due_reminders,
    free_slots,
    list_slots,
    office_day,
    office_timezone,
    slot_starts,
)
from ruta.cases.actions.audit_log import list_audit_events
from ruta.cases.actions.case_file import CaseFile, NextSteps, next_steps, read_case
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
from ruta.cases.actions.duplicates import (
    do_search_duplicates,
    duplicate_checking_off,
    duplicate_view,
    open_duplicates,
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
from ruta.cases.actions.offices import (
    check_office_takes,
    country_pathways,
    do_create_office,
    do_update_office,
    get_office,
    list_offices,
    offices_taking,
    pathways_taken,
)
from ruta.cases.actions.pair_review import (
    check_pair_review_access,
    do_decide_review_pair,
    do_import_review_pairs,
    export_review_decisions,
    get_review_pair,
    list_review_pairs,
)
from ruta.cases.actions.permits import do_set_permit_status, get_permit, issue_permit
from ruta.cases.actions.transitions import (
    BulkOutcome,
    check_transition,
    do_assign,
    do_bulk_transition,
    do_transition,
)

__all__ = [
    "UNDELIVERED_STATES",
    "AccountView",
    "AppointmentView",
    "BulkOutcome",
    "CaseFile",
    "ChecklistItem",
    "DayEntry",
    "NextSteps",
    "SessionView",
    "appointments_of",
    "backlog",
    "check_decide",
    "check_office_takes",
    "check_pair_review_access",
    "check_transition",
    "country_pathways",
    "current_decision",
    "do_add_note",
    "do_assign",
    "do_book_appointment",
    "do_bulk_transition",
    "do_cancel_appointment",
    "do_create_office",
    "do_create_user",
    "do_decide",
    "do_decide_review_pair",
    "do_decision",
    "do_disable_user",
    "do_enable_user",
    "do_import_review_pairs",
    "do_mark_attendance",
    "do_mark_reminded",
    "do_open_slot_range",
    "do_open_slots",
    "do_propose_decision",
    "do_queue_reminders",
    "do_rebook_appointment",
    "do_reset_password",
    "do_reset_second_factor",
    "do_retry_message",
    "do_review_document",
    "do_revoke_other_sessions",
    "do_revoke_session",
    "do_revoke_user_sessions",
    "do_search_duplicates",
    "do_set_notification_preferences",
    "do_set_permit_status",
    "do_set_role",
    "do_submit_application",
    "do_transition",
    "do_update_office",
    "do_upload_document",
    "document_checklist",
    "due_reminders",
    "duplicate_checking_off",
    "duplicate_view",
    "export_review_decisions",
    "free_slots",
    "generated_password",
    "get_application",
    "get_notification_preferences",
    "get_office",
    "get_permit",
    "get_review_pair",
    "get_user",
    "history",
    "issue_permit",
    "list_applications",
    "list_audit_events",
    "list_notes",
    "list_offices",
    "list_review_pairs",
    "list_sessions",
    "list_slots",
    "list_undelivered",
    "list_users",
    "messages_of",
    "next_steps",
    "notification_counts",
    "office_day",
    "office_timezone",
    "offices_taking",
    "open_duplicates",
    "pathways_taken",
    "read_case",
    "read_document",
    "slot_starts",
]
