"""Permissions as named rules built from small predicates (django-rules).

The same names serve views (``user.has_perm("plans.change_activity", activity)``), templates
(``{% has_perm %}``), the admin (object-level checks) and the tests, which walk a declarative
role × object × action table (``tests/accounts/permission_table.py``).

Actions: ``view``, ``add``, ``change``, ``delete``, ``publish``, ``export``.
"""

from __future__ import annotations

from typing import Any

import rules
from allauth.mfa.models import Authenticator

from cocrea.accounts.models import STAFF_ROLES, Role, RoleAssignment
from cocrea.accounts.scope import Scope, scope_of
from cocrea.accounts.scope import is_public as _is_public


def assignments(user: Any) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per user object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_cocrea_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._cocrea_roles = cached
    return cached


def _holds(user: Any, role: str) -> bool:
    return any(a.role == role for a in assignments(user))


def forget_roles(user: Any) -> None:
    """Drop what :func:`assignments` and :func:`has_second_factor` remember on a user object."""
    for name in ("_cocrea_roles", "_cocrea_mfa"):
        if hasattr(user, name):
            delattr(user, name)


def holds_staff_role(user: Any) -> bool:
    """Staff is whoever holds a staff role (or is a superuser), whatever screen granted it.

    The one definition: the two-step gate, the idle limit, the admin and the ``is_staff`` flag
    (kept in step by ``accounts.signals``) all follow it.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or any(a.role in STAFF_ROLES for a in assignments(user))


def has_second_factor(user: Any) -> bool:
    """The account has two-step verification (TOTP) set up, so its sign-in asked for the code.

    Loaded once per user object. The privileges of a staff role (reading what is unpublished) need
    it wherever they are used, public pages included, not only behind ``/gestion/``.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_cocrea_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._cocrea_mfa = cached
    return bool(cached)


def _in_scope(assignment: RoleAssignment, scope: Scope) -> bool:
    if assignment.role == Role.POINT_OF_CONTACT:
        return assignment.action_plan_id is not None and assignment.action_plan_id == scope.action_plan_id
    if assignment.role == Role.LIAISON:
        # Their commitment; within it, the milestones and activities their institution answers for.
        return (
            assignment.commitment_id is not None
            and assignment.commitment_id == scope.commitment_id
            and (scope.milestone_id is None or assignment.organization_id in scope.organization_ids)
        )
    return (
        (assignment.commitment_id is not None and assignment.commitment_id == scope.commitment_id)
        or (
            assignment.milestone_id is not None
            and (
                assignment.milestone_id == scope.milestone_id
                or assignment.milestone_id in scope.milestone_ids
            )
        )
        or (assignment.organization_id is not None and assignment.organization_id in scope.organization_ids)
    )


def _scoped(user: Any, role: str, obj: Any) -> bool:
    held = [a for a in assignments(user) if a.role == role]
    if not held:
        return False
    if obj is None:
        return True  # "could they, for some object?" (the admin's model-level question)
    scope = scope_of(obj)
    return any(_in_scope(a, scope) for a in held)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _holds(user, Role.ADMINISTRATOR)


@rules.predicate
def is_auditor(user: Any) -> bool:
    return _holds(user, Role.AUDITOR)


@rules.predicate
def is_moderator(user: Any) -> bool:
    return _holds(user, Role.MODERATOR)


@rules.predicate
def is_editor_of(user: Any, obj: Any) -> bool:
    return _scoped(user, Role.EDITOR, obj)


@rules.predicate
def is_coordinator_of(user: Any, obj: Any) -> bool:
    return _scoped(user, Role.COORDINATOR, obj)


@rules.predicate
def is_point_of_contact_of(user: Any, obj: Any) -> bool:
    """The plan's OGP point of contact: administers its commitments, grants their roles, and
    validates the progress liaisons report."""
    return _scoped(user, Role.POINT_OF_CONTACT, obj)


@rules.predicate
def is_liaison_of(user: Any, obj: Any) -> bool:
    """An institution's liaison for a commitment: reports the progress of what it answers for."""
    return _scoped(user, Role.LIAISON, obj)


@rules.predicate
def holds_point_of_contact_role(user: Any) -> bool:
    return _holds(user, Role.POINT_OF_CONTACT)


@rules.predicate
def holds_editing_role(user: Any) -> bool:
    return _holds(user, Role.EDITOR) or holds_coordinating_role(user)


@rules.predicate
def holds_coordinating_role(user: Any) -> bool:
    """Coordinates somewhere: a commitment's coordinator, or a plan's point of contact."""
    return _holds(user, Role.COORDINATOR) or _holds(user, Role.POINT_OF_CONTACT)


@rules.predicate
def reported_it(user: Any, obj: Any) -> bool:
    """The progress report (or the evidence of one) was recorded by this person."""
    entry = getattr(obj, "entry", obj)
    recorded_by = getattr(entry, "recorded_by_id", None)
    return recorded_by is not None and recorded_by == getattr(user, "pk", None)


@rules.predicate
def is_public(user: Any, obj: Any) -> bool:
    return obj is not None and _is_public(obj)


@rules.predicate
def verified(user: Any) -> bool:
    return has_second_factor(user)


def sees_everything(user: Any) -> bool:
    return bool((is_administrator(user) or is_auditor(user)) and has_second_factor(user))


def sees_as_the_public(user: Any) -> bool:
    """Public pages show this person what they show anyone: not signed in, or signed in without
    any role, superuser or staff flag (what a role unlocks on a public page, unpublished items,
    every field of the change history, links to the staff screens, needs one of those)."""
    if not getattr(user, "is_authenticated", False):
        return True
    return not (user.is_superuser or user.is_staff or assignments(user))


@rules.predicate
def is_participant(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- composed rules ---------------------------------------------------------------------------

# Reading what is not published is a staff privilege: it needs the second factor.
can_see_unpublished = (
    is_administrator | is_auditor | is_point_of_contact_of | is_coordinator_of | is_editor_of | is_liaison_of
) & verified
can_view = is_public | can_see_unpublished
# Taking part (commenting, reporting, following, signing up) is for what is public: reading an
# unpublished consultation as staff grants no right to take part in it.
can_take_part = is_participant & is_public
can_export = can_view
can_manage_plan = is_administrator | is_point_of_contact_of | is_coordinator_of
can_edit_rows = can_manage_plan | is_editor_of
# Progress: liaisons report it too; what they report waits for validation (plans.review), which
# is the ``publish`` action of a progress report: the plan's point of contact, or an administrator.
can_report_progress = can_edit_rows | is_liaison_of
can_validate_progress = is_administrator | is_point_of_contact_of
can_administer_plan = is_administrator | is_point_of_contact_of

RULES: dict[str, dict[str, Any]] = {
    "actionplan": {
        "view": can_view,
        "add": is_administrator,
        "change": can_administer_plan,
        "delete": is_administrator,
        "publish": can_administer_plan,
        "export": can_export,
    },
    "commitment": {
        "view": can_view,
        "add": can_administer_plan,  # object: the action plan it is added to
        "change": can_manage_plan,
        "delete": is_administrator,
        "publish": can_manage_plan,
        "export": can_export,
    },
    "milestone": {
        "view": can_view,
        "add": can_manage_plan,
        "change": can_manage_plan,
        "delete": can_manage_plan,
        "publish": can_manage_plan,
        "export": can_export,
    },
}
for _row in (
    "activity",
    "budgetline",
    "meeting",
    "objective",
    "indicator",
    "strategy",
    "progressentry",
    "evidence",
    "expenditure",
    "baseline",
    "agendaitem",
    "agreement",
    "meetingdocument",
    "registration",
    "attendance",
):
    RULES[_row] = {
        "view": can_view,
        "add": can_edit_rows,
        "change": can_edit_rows,
        "delete": can_manage_plan,
        "publish": can_manage_plan,
        "export": can_export,
    }
# A liaison corrects and withdraws the reports they wrote, not those of others.
RULES["progressentry"] = {
    "view": can_view,
    "add": can_report_progress,  # object: the activity or the milestone tracked directly
    "change": can_edit_rows | (is_liaison_of & reported_it),
    "delete": can_manage_plan | (is_liaison_of & reported_it),
    "publish": can_validate_progress,  # validate or return (plans.review)
    "export": can_export,
}
RULES["evidence"] = {**RULES["progressentry"], "publish": can_manage_plan}
RULES["organization"] = {
    "view": rules.always_allow,
    "add": is_administrator | holds_editing_role,
    "change": is_administrator | holds_coordinating_role,
    "delete": is_administrator,
    "publish": is_administrator,
    "export": rules.always_allow,
}
# People's records are personal data: staff who manage participation, and auditors, see them.
for _private in ("person", "consent", "membership"):
    RULES[_private] = {
        "view": is_administrator | is_auditor | holds_editing_role | is_moderator,
        "add": is_administrator | holds_editing_role,
        "change": is_administrator | holds_editing_role,
        "delete": is_administrator,
        "publish": rules.always_deny,
        "export": is_administrator | is_auditor,
    }
# Co-creation: editors of the milestone write the drafts and answer; participants contribute to
# what they can see (the service also requires the consultation to be open); moderators hide.
for _text in ("document", "documentversion", "response"):
    RULES[_text] = {
        "view": can_view,
        "add": can_edit_rows,
        "change": can_edit_rows,
        "delete": can_manage_plan,
        "publish": can_manage_plan,
        "export": can_export,
    }
can_moderate = is_administrator | is_moderator | is_point_of_contact_of | is_coordinator_of
RULES["contribution"] = {
    "view": can_view,
    "add": can_take_part,
    "change": rules.always_deny,
    "delete": is_administrator,
    "publish": can_moderate,
    "export": can_export,
}
RULES["entry"] = {
    "view": rules.always_allow,
    "add": is_administrator | holds_editing_role,
    "change": is_administrator | holds_editing_role,
    "delete": is_administrator,
    "publish": rules.always_deny,
    "export": rules.always_allow,
}
RULES["application"] = {
    "view": can_view,
    "add": can_edit_rows,
    "change": can_edit_rows,
    "delete": can_edit_rows,
    "publish": rules.always_deny,
    "export": can_export,
}
RULES["auditentry"] = {
    "view": is_administrator | is_auditor,
    "add": rules.always_deny,
    "change": rules.always_deny,
    "delete": rules.always_deny,
    "publish": rules.always_deny,
    "export": is_administrator | is_auditor,
}

APP_OF = {
    "actionplan": "plans",
    "commitment": "plans",
    "milestone": "plans",
    "activity": "plans",
    "objective": "plans",
    "indicator": "plans",
    "strategy": "plans",
    "organization": "plans",
    "budgetline": "budget",
    "meeting": "participation",
    "auditentry": "audit",
    "progressentry": "plans",
    "evidence": "plans",
    "baseline": "plans",
    "expenditure": "budget",
    "agendaitem": "participation",
    "meetingdocument": "participation",
    "agreement": "participation",
    "registration": "participation",
    "attendance": "participation",
    "person": "participation",
    "consent": "participation",
    "membership": "participation",
    "document": "drafts",
    "documentversion": "drafts",
    "contribution": "drafts",
    "response": "drafts",
    "entry": "catalogue",
    "application": "catalogue",
}

# Staff screens at all (each screen then asks its own rule of the object): any staff role.
STAFF_SCREENS = "accounts.use_staff_screens"
rules.add_perm(STAFF_SCREENS, rules.predicate(holds_staff_role, name="holds_staff_role"))
# The Django admin: administrators write, auditors read (accounts.admin_site); others never enter.
ADMIN_SITE = "accounts.use_admin"
rules.add_perm(ADMIN_SITE, is_administrator | is_auditor)
holds_plan_role = is_administrator | holds_coordinating_role  # coordinators and points of contact
rules.add_perm("plans.import_plan", holds_plan_role)
# A tracking sheet: each commitment it touches is then asked ``change`` (or ``add`` of the plan).
rules.add_perm("plans.import_tracker", holds_plan_role)
# Granting and revoking the roles of a plan's commitments (object: the plan or the commitment).
rules.add_perm("accounts.grant_plan_roles", can_administer_plan & verified)
rules.add_perm("participation.take_part", can_take_part)  # sign up, follow, report (object: the thing)
# Email and phone: the roles that contact people (coordinators, administrators), not every editor
# or moderator who works with the registry.
rules.add_perm("participation.view_contact", (is_administrator | holds_coordinating_role) & verified)
# Merging two records moves a person's history: only roles that see both people whole.
rules.add_perm("participation.merge_person", (is_administrator | holds_coordinating_role) & verified)
# Confirming that a person speaks for an organisation puts its name beside their contributions:
# the roles that answer for the participation (administrators, coordinators), with the second factor.
rules.add_perm("participation.confirm_affiliation", (is_administrator | holds_coordinating_role) & verified)
rules.add_perm("drafts.moderate", can_moderate)  # hide a contribution, dismiss its reports
rules.add_perm("drafts.respond", can_edit_rows)  # answer a contribution (object: the contribution)
# The whole change history of a milestone (every field, who made each change): staff in its scope.
rules.add_perm("audit.view_full_history", can_see_unpublished)

for _model, _actions in RULES.items():
    for _action, _predicate in _actions.items():
        rules.add_perm(f"{APP_OF[_model]}.{_action}_{_model}", _predicate)


def may(user: Any, model: str, action: str, obj: Any = None) -> bool:
    """``may(user, "agreement", "delete", agreement)``: the named rule, asked by model and action."""
    return bool(user.has_perm(permission(model, action), obj))


def permission(model: str, action: str) -> str:
    """``permission("activity", "change")`` → ``"plans.change_activity"``."""
    return f"{APP_OF[model]}.{action}_{model}"
