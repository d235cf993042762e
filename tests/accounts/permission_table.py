"""The expected outcome of every role × object × action, stated once, walked by the tests.

Actions: v view, a add, c change, d delete, p publish, e export. An empty string: nothing.
Objects marked * are unpublished (the public must not learn they exist).

The world (built in ``conftest.py``): the seed's commitment 11 and milestone 1, published, whose
activities belong to INAP/GPAT; one more activity of milestone 1 that belongs only to ONSEC; and a
draft commitment 99 (responsible: ONSEC) whose milestone 1 has one activity of INAP.
"""

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete", "p": "publish", "e": "export"}

OBJECTS = [
    "action_plan",
    "commitment",
    "milestone",
    "activity",  # INAP/GPAT
    "activity_onsec",  # ONSEC only
    "budget_line",
    "meeting",
    "organization",  # INAP
    "draft_commitment*",
    "draft_milestone*",
    "draft_activity*",  # INAP, in the draft milestone
    "audit_entry",
    "document",  # the strategy of milestone 11.1, in co-creation
    "open_version",  # a version of it open for consultation
    "draft_version*",  # a version still being written: staff only
    "contribution",  # a comment on the open version
]

PUBLIC = {
    "action_plan": "ve",
    "commitment": "ve",
    "milestone": "ve",
    "activity": "ve",
    "activity_onsec": "ve",
    "budget_line": "ve",
    "meeting": "ve",
    "organization": "ve",
    "draft_commitment*": "",
    "draft_milestone*": "",
    "draft_activity*": "",
    "audit_entry": "",
    "document": "ve",
    "open_version": "ve",
    "draft_version*": "",
    "contribution": "ve",
}
# Signed in, anyone may comment where they can read; only moderators (and coordinators,
# administrators) hide; nobody edits someone else's words.
PUBLIC_SIGNED_IN = {**PUBLIC, "contribution": "vae"}

TABLE: dict[str, dict[str, str]] = {
    "anonymous": PUBLIC,
    "participant": PUBLIC_SIGNED_IN,
    "moderator": {**PUBLIC, "contribution": "vape"},
    "auditor": {**dict.fromkeys(OBJECTS, "ve"), "contribution": "vae"},
    "administrator": {**dict.fromkeys(OBJECTS, "vacdpe"), "audit_entry": "ve", "contribution": "vadpe"},
    "editor_inap": {
        **PUBLIC_SIGNED_IN,
        "document": "vace",  # INAP answers for milestone 11.1
        "open_version": "vace",
        "draft_version*": "vace",
        "activity": "vace",
        "budget_line": "vace",
        "meeting": "vace",
        "organization": "vae",
        "draft_milestone*": "ve",  # INAP does one of its activities
        "draft_activity*": "vace",
    },
    "editor_commitment_11": {
        **PUBLIC_SIGNED_IN,
        "document": "vace",
        "open_version": "vace",
        "draft_version*": "vace",
        "activity": "vace",
        "activity_onsec": "vace",
        "budget_line": "vace",
        "meeting": "vace",
        "organization": "vae",
    },
    "coordinator_commitment_11": {
        **PUBLIC_SIGNED_IN,
        "document": "vacdpe",
        "open_version": "vacdpe",
        "draft_version*": "vacdpe",
        "contribution": "vape",
        "commitment": "vcpe",
        "milestone": "vacdpe",
        "activity": "vacdpe",
        "activity_onsec": "vacdpe",
        "budget_line": "vacdpe",
        "meeting": "vacdpe",
        "organization": "vace",
    },
    "coordinator_commitment_99": {
        **PUBLIC_SIGNED_IN,
        "organization": "vace",
        "draft_commitment*": "vcpe",
        "draft_milestone*": "vacdpe",
        "draft_activity*": "vacdpe",
    },
    # The plan's point of contact administers every commitment of the plan (11 and the draft 99):
    # adds commitments to it, publishes, moderates, and validates the liaisons' progress.
    "point_of_contact": {
        **PUBLIC_SIGNED_IN,
        "action_plan": "vcpe",
        "commitment": "vacpe",
        "milestone": "vacdpe",
        "activity": "vacdpe",
        "activity_onsec": "vacdpe",
        "budget_line": "vacdpe",
        "meeting": "vacdpe",
        "organization": "vace",
        "draft_commitment*": "vacpe",
        "draft_milestone*": "vacdpe",
        "draft_activity*": "vacdpe",
        "document": "vacdpe",
        "open_version": "vacdpe",
        "draft_version*": "vacdpe",
        "contribution": "vape",
    },
    # INAP's liaison for commitment 11: reports progress, and reads what is not published yet in
    # the milestones INAP answers for (a draft of the strategy), nothing else.
    "liaison_inap_11": {**PUBLIC_SIGNED_IN, "draft_version*": "ve"},
}

# Progress reports and their evidence have their own rows: liaisons report progress (what they
# write waits for validation), and validating it (publish) is the point of contact's.
PROGRESS = {
    "anonymous": "ve",
    "participant": "ve",
    "moderator": "ve",
    "auditor": "ve",
    "administrator": "vacdpe",
    "editor_inap": "vace",
    "editor_commitment_11": "vace",
    "coordinator_commitment_11": "vacde",
    "coordinator_commitment_99": "ve",
    "point_of_contact": "vacdpe",
    "liaison_inap_11": "vae",  # the report of the table was recorded by someone else
}
# Evidence follows its report, but "publish" is the plan's managers' (as for the other rows).
EVIDENCE = {**PROGRESS, "coordinator_commitment_11": "vacdpe"}
# The liaison's own report, waiting for validation: hidden from the public, theirs to correct.
OWN_PENDING = {
    **dict.fromkeys(PROGRESS, ""),
    "auditor": "ve",
    "administrator": "vacdpe",
    "editor_inap": "vace",
    "editor_commitment_11": "vace",
    "coordinator_commitment_11": "vacde",
    "point_of_contact": "vacdpe",
    "liaison_inap_11": "vacde",
}


# Every other model the rules name behaves like an object above, or like the registry, or the
# catalogue: its row is derived, so that each model of ``RULES`` is walked with a real object of
# its own (its scope found through its own parents).
LIKE = {
    "objective": "budget_line",  # rows of milestone 11.1
    "indicator": "budget_line",
    "strategy": "budget_line",
    "baseline": "budget_line",
    "expenditure": "budget_line",  # under budget line 1
    "agenda_item": "meeting",  # under a meeting of milestone 11.1
    "agreement": "meeting",
    "meeting_document": "meeting",
    "registration": "meeting",
    "attendance": "meeting",
    "response": "document",  # the answer to a contribution in the open version
}
REGISTRY = {  # person, consent, membership: personal data, not scoped to a commitment
    "anonymous": "",
    "participant": "",
    "moderator": "v",
    "auditor": "ve",
    "administrator": "vacde",
    "editor_inap": "vac",
    "editor_commitment_11": "vac",
    "coordinator_commitment_11": "vac",
    "coordinator_commitment_99": "vac",
    "point_of_contact": "vac",
    "liaison_inap_11": "",
}
CATALOGUE = {  # an entry of the catalogue
    actor: (
        "vacde"
        if actor == "administrator"
        else "vace"
        if "editor" in actor or "coordinator" in actor or actor == "point_of_contact"
        else "ve"
    )
    for actor in TABLE
}


def _application(row: dict[str, str]) -> str:
    """An entry applied in a paragraph of the open version: edited (and removed) by who edits it."""
    letters = row["open_version"].replace("p", "").replace("d", "")
    return "".join(sorted(letters + ("d" if "c" in letters else ""), key="vacdpe".index))


for _actor, _row in TABLE.items():
    for _obj, _like in LIKE.items():
        _row[_obj] = _row[_like]
    for _obj in ("person", "consent", "membership"):
        _row[_obj] = REGISTRY[_actor]
    _row["entry"] = CATALOGUE[_actor]
    _row["application"] = _application(_row)
    _row["progress_entry"] = PROGRESS[_actor]
    _row["evidence"] = EVIDENCE[_actor]
    _row["pending_entry*"] = OWN_PENDING[_actor]
OBJECTS += [*LIKE, "progress_entry", "evidence", "pending_entry*", "person", "consent", "membership", "entry"]
OBJECTS += ["application"]


def cells():
    """Every (actor, object, action, allowed) of the table."""
    for actor, row in TABLE.items():
        assert set(row) == set(OBJECTS), actor
        for obj in OBJECTS:
            for letter, action in ACTIONS.items():
                yield actor, obj, action, letter in row[obj]
