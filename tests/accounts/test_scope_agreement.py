"""One scope: the queryset that lists what a person sees agrees with the rule that checks each object.

``plans.queries.visible_commitments`` filters in the database; ``plans.view_commitment`` asks the
predicates object by object. For random role assignments over commitments with and without
publication, both give the same set.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocrea.accounts.models import Role, RoleAssignment
from cocrea.accounts.rules import forget_roles
from cocrea.plans.models import ActionPlan, Commitment, CommitmentEntity, Milestone, Organization
from cocrea.plans.queries import visible_commitments
from tests.hypothesis_profiles import examples

pytestmark = pytest.mark.django_db

ROLES = [
    Role.EDITOR,
    Role.COORDINATOR,
    Role.AUDITOR,
    Role.MODERATOR,
    Role.ADMINISTRATOR,
    Role.POINT_OF_CONTACT,
    Role.LIAISON,
]


@pytest.fixture
def landscape(db, django_user_model):  # type: ignore[no-untyped-def]
    plan = ActionPlan.objects.create(name="Plan", slug="plan", start_year=2018, end_year=2020)
    orgs = [Organization.objects.create(name=f"Org {i}", acronym=f"O{i}") for i in range(3)]
    commitments = []
    for i in range(4):
        c = Commitment.objects.create(
            action_plan=plan, number=str(i + 1), title=f"C{i}", is_published=i % 2 == 0
        )
        Milestone.objects.create(commitment=c, number="1", title="Hito", is_published=True)
        CommitmentEntity.objects.create(
            commitment=c,
            organization=orgs[i % 3],
            role="responsible" if i != 3 else "other",
            milestone_numbers=[1],
        )
        commitments.append(c)
    # Another plan with an unpublished commitment: a point of contact of the first does not see it.
    other = ActionPlan.objects.create(name="Otro", slug="otro", start_year=2018, end_year=2020)
    Commitment.objects.create(action_plan=other, number="1", title="Ajeno", is_published=False)
    plan.other = other
    user = django_user_model.objects.create_user("u", "u@example.org", "x-Strong-Pass-42")
    TOTP.activate(user, generate_totp_secret())
    return plan, orgs, commitments, user


assignment = st.tuples(
    st.sampled_from(ROLES), st.sampled_from(["org", "commitment", "milestone", "none"]), st.integers(0, 3)
)


@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(assignment, max_size=4), st.booleans())
def test_the_list_and_the_rule_agree(landscape, assignments, plan_published) -> None:  # type: ignore[no-untyped-def]
    plan, orgs, commitments, user = landscape
    with transaction.atomic():
        ActionPlan.objects.filter(pk=plan.pk).update(is_published=plan_published)
        RoleAssignment.objects.filter(user=user).delete()
        for role, scope, index in assignments:
            kwargs = {}
            if role == Role.POINT_OF_CONTACT:
                kwargs = {"action_plan": plan if index % 2 == 0 else plan.other}
            elif role == Role.LIAISON:
                kwargs = {"commitment": commitments[index], "organization": orgs[index % 3]}
            elif role in (Role.EDITOR, Role.COORDINATOR):
                if role == Role.COORDINATOR or scope == "commitment":
                    kwargs = {"commitment": commitments[index]}
                elif scope == "milestone":
                    kwargs = {"milestone": commitments[index].milestones.first()}
                else:
                    kwargs = {"organization": orgs[index % 3]}
            RoleAssignment.objects.create(user=user, role=role, **kwargs)
        forget_roles(user)
        listed = set(visible_commitments(user).values_list("pk", flat=True))
        checked = {
            c.pk
            for c in Commitment.objects.select_related("action_plan")
            if user.has_perm("plans.view_commitment", c)
        }
        assert listed == checked, (assignments, plan_published)
