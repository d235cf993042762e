"""Writes to participation, one module per noun; every name callers use is re-exported here.

- :mod:`.schedule`: meetings created by staff, edited, rescheduled, cancelled, and the emails;
- :mod:`.meetings`: a meeting's outcome, agenda, minutes (acta) and agreements;
- :mod:`.registry`: the registry of natural persons, their consents and memberships;
- :mod:`.profile`: what a person decides from their account (public name and its consent, language);
- :mod:`.affiliations`: a person asks to speak for an organisation, staff confirm or refuse;
- :mod:`.merges`: merging the records of one person held twice, and undoing a merge;
- :mod:`.personal_data`: "Mis datos" (export) and erasure (anonymisation);
- :mod:`.registration`: signing up for meetings, cancelling, confirmations and reminders;
- :mod:`.attendance`: recording and correcting attendance, and importing sign-in sheets.
"""

from cocrea.participation.services.affiliations import (
    CONFIRM_AFFILIATION,
    confirm_affiliation,
    current_memberships,
    match_organization,
    pending_requests,
    refuse_affiliation,
    request_affiliation,
    withdraw_affiliation_request,
)
from cocrea.participation.services.attendance import (
    AttendanceImport,
    AttendancePreview,
    correct_attendance,
    find_registered,
    import_attendance,
    meeting_keys,
    preview_attendance,
    record_attendance,
    remove_attendance,
)
from cocrea.participation.services.meetings import (
    MINUTES_MAX_LENGTH,
    OUTCOMES,
    add_agenda_item,
    add_agreement,
    attach_meeting_document,
    complete_agreement,
    delete_agreement,
    edit_agenda_item,
    edit_agreement,
    move_agenda_item,
    record_meeting_outcome,
    record_minutes,
    remove_agenda_item,
    reopen_agreement,
)
from cocrea.participation.services.merges import (
    MERGED_ROWS,
    is_proposed_duplicate,
    merge_people,
    unmerge_people,
)
from cocrea.participation.services.personal_data import (
    ANONYMOUS_NAME,
    PERSON_DATA,
    anonymise_person,
    delete_account,
    export_person_data,
    register_person_data,
)
from cocrea.participation.services.profile import (
    active_consent,
    consent_outdated,
    give_own_consent,
    update_profile,
    withdraw_own_consent,
)
from cocrea.participation.services.registration import (
    cancel_registration,
    meeting_email,
    meeting_when,
    register_for_meeting,
    send_reminders,
)
from cocrea.participation.services.registry import (
    CONSENT_TEXT_VERSION,
    add_membership,
    edit_membership,
    end_membership,
    person_for_user,
    record_consent,
    register_person,
    withdraw_consent,
)
from cocrea.participation.services.schedule import (
    OutsidePeriod,
    cancel_meeting,
    create_meeting,
    edit_meeting,
    milestone_period,
    notify_registered,
    reschedule_meeting,
)

__all__ = [
    "ANONYMOUS_NAME",
    "CONFIRM_AFFILIATION",
    "CONSENT_TEXT_VERSION",
    "MERGED_ROWS",
    "MINUTES_MAX_LENGTH",
    "OUTCOMES",
    "PERSON_DATA",
    "AttendanceImport",
    "AttendancePreview",
    "OutsidePeriod",
    "active_consent",
    "add_agenda_item",
    "add_agreement",
    "add_membership",
    "anonymise_person",
    "attach_meeting_document",
    "cancel_meeting",
    "cancel_registration",
    "complete_agreement",
    "confirm_affiliation",
    "consent_outdated",
    "correct_attendance",
    "create_meeting",
    "current_memberships",
    "delete_account",
    "delete_agreement",
    "edit_agenda_item",
    "edit_agreement",
    "edit_meeting",
    "edit_membership",
    "end_membership",
    "export_person_data",
    "find_registered",
    "give_own_consent",
    "import_attendance",
    "is_proposed_duplicate",
    "match_organization",
    "meeting_email",
    "meeting_keys",
    "meeting_when",
    "merge_people",
    "milestone_period",
    "move_agenda_item",
    "notify_registered",
    "pending_requests",
    "person_for_user",
    "preview_attendance",
    "record_attendance",
    "record_consent",
    "record_meeting_outcome",
    "record_minutes",
    "refuse_affiliation",
    "register_for_meeting",
    "register_person",
    "register_person_data",
    "remove_agenda_item",
    "remove_attendance",
    "reopen_agreement",
    "request_affiliation",
    "reschedule_meeting",
    "send_reminders",
    "unmerge_people",
    "update_profile",
    "withdraw_affiliation_request",
    "withdraw_consent",
    "withdraw_own_consent",
]
