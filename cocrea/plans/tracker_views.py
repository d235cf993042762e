"""The public plan tracker (#15): every commitment of an action plan with its completion, its
milestones in the OGP's completion levels, who answers for them, what is overdue and the last
update; counts by level and institution, a chart, filters, and the same rows as CSV, XLSX, JSON.

The figures are :mod:`cocrea.computations.plantracker`'s, fed by :func:`gather` in a fixed number
of queries whatever the plan's size. A milestone's completion is what its own page shows, from the
reports the public sees (validated ones): with a detailed work plan, indicator A's executed percent
today (:func:`cocrea.plans.indicators.figures`); tracked directly, its latest progress report's
percent (none: nothing reported). Those figures are kept in the cache under each milestone's
page-cache version and computed again only for a milestone beneath which something changed
(:mod:`cocrea.plans.tracker_figures`); the page's repeated parts are written by
:mod:`cocrea.plans.templatetags.plans_tracker`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cocrea.accounts.rules import permission
from cocrea.computations import plantracker as pt
from cocrea.computations.months import Month
from cocrea.computations.safety import safe_cell
from cocrea.computations.table_xlsx import write_table_xlsx
from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.core.http import int_or_none
from cocrea.plans import queries, tracker_figures
from cocrea.plans.models import (
    ActionPlan,
    ActivityStatus,
    Commitment,
    CommitmentEntity,
    IrmAssessment,
    Milestone,
    OgpValue,
    Organization,
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def level_labels() -> dict[str, str]:
    """The levels' names, as the IRM's assessment names them."""
    labels = dict(IrmAssessment.Completion.choices)
    return {level: str(labels[level]) for level in pt.LEVELS}


@dataclass
class Gathered:
    plan: ActionPlan
    today: date
    commitments: dict[int, Commitment]
    milestones: dict[int, Milestone]
    organizations: dict[int, Organization]
    commitment_inputs: list[pt.CommitmentInput]
    milestone_inputs: list[pt.MilestoneInput]


MILESTONE_FIELDS = (
    "commitment_id",
    "number",
    "sort_key",
    "title",
    "starts_on",
    "ends_on",
    "start_month",
    "end_month",
    "weight",
    "is_published",
    "schedule_start",
    "schedule_end",
)


def _last_day(day: date | None) -> date | None:
    return Month.from_date(day).last_day() if day else None


def gather(user: Any, slug: str, today: date) -> Gathered:
    """What the tracker shows of the plan ``slug`` that ``user`` may see (a fixed number of queries)."""
    plan = ActionPlan.objects.filter(slug=slug).first()
    if plan is None or not user.has_perm(permission("actionplan", "view"), plan):
        raise Http404
    commitments = list(
        queries.visible_commitments(user)
        .filter(action_plan=plan)
        .select_related("action_plan")
        .prefetch_related("entities")
        .order_by("sort_key", "number")
    )
    by_pk = {c.pk: c for c in commitments}
    milestones = [
        m
        for m in Milestone.objects.filter(commitment__in=list(by_pk))
        .select_related("document")  # the visibility rule looks for it (None: no query per row)
        .only(*MILESTONE_FIELDS, "document__id", "document__milestone_id")
        .order_by("commitment__sort_key", "sort_key", "number")
        if user.has_perm(permission("milestone", "view"), _with_commitment(m, by_pk))
    ]
    found = tracker_figures.figures(milestones, today)
    # Those named on each milestone, by name (as a prefetch of ``responsible`` would list them,
    # without a related manager per milestone).
    named: dict[int, list[int]] = {}
    for milestone_id, organization_id in (
        Milestone.responsible.through.objects.filter(milestone__in=[m.pk for m in milestones])
        .order_by("organization__name")
        .values_list("milestone_id", "organization_id")
    ):
        named.setdefault(milestone_id, []).append(organization_id)
    commitment_inputs = []
    organization_ids: set[int] = set()
    for commitment in commitments:
        entities = [e for e in commitment.entities.all() if e.role == CommitmentEntity.Role.RESPONSIBLE]
        own = [commitment.coordinator_id] if commitment.coordinator_id else []
        own += [e.organization_id for e in entities]
        organization_ids.update(own)
        commitment.responsible_entities = entities
        commitment_inputs.append(
            pt.CommitmentInput(
                commitment.pk,
                tuple(v for v in commitment.ogp_values if isinstance(v, str)),
                tuple(dict.fromkeys(own)),
            )
        )
    milestone_inputs = []
    for milestone in milestones:
        commitment = by_pk[milestone.commitment_id]
        number = int(milestone.number) if milestone.number.isdigit() else None
        institutions = list(named.get(milestone.pk, ()))
        institutions += [
            e.organization_id
            for e in commitment.responsible_entities
            if number is not None and number in (e.milestone_numbers or [])
        ]
        figures = found[milestone.pk]
        milestone.has_work_plan = figures.has_work_plan
        institutions += figures.doers
        institutions = list(dict.fromkeys(institutions))
        milestone._cocrea_orgs = frozenset(institutions)  # the scope's own set (accounts.scope)
        organization_ids.update(institutions)
        end = milestone.ends_on or _last_day(milestone.end_month)
        milestone.start_day = milestone.starts_on or milestone.start_month
        if end is None and figures.plan_end is not None:  # indicator A's planned months
            end = figures.plan_end
            milestone.start_day = milestone.start_day or figures.plan_start
        milestone.end_day = end
        milestone_inputs.append(
            pt.MilestoneInput(
                key=milestone.pk,
                commitment=milestone.commitment_id,
                completion=figures.completion,
                weight=float(milestone.weight),
                status="cancelled" if figures.status == ActivityStatus.CANCELLED else figures.status,
                end=end,
                last_update=figures.last_update,
                institutions=tuple(institutions),
            )
        )
    organizations = Organization.objects.in_bulk(sorted(organization_ids)) if organization_ids else {}
    return Gathered(
        plan,
        today,
        by_pk,
        {m.pk: m for m in milestones},
        organizations,
        commitment_inputs,
        milestone_inputs,
    )


def _with_commitment(milestone: Milestone, commitments: dict[int, Commitment]) -> Milestone:
    """The milestone with its (already read) commitment and plan attached: no query per row."""
    milestone.commitment = commitments[milestone.commitment_id]
    return milestone


def parse_filters(request: HttpRequest) -> pt.Filters:
    """The filters asked for; a value that is not one of the choices is ignored."""
    level = request.GET.get("estado", "")
    value = request.GET.get("valor", "")
    return pt.Filters(
        institution=int_or_none(request.GET.get("institucion")),
        level=level if level in pt.LEVELS else None,
        value=value if value in OgpValue.values else None,
    )


def _name(organization: Organization | None) -> str:
    return organization.short_name if organization is not None else ""


def _view_model(data: Gathered, filters: pt.Filters) -> dict[str, Any]:
    tracker = pt.track(data.commitment_inputs, data.milestone_inputs, data.today, filters)
    labels = level_labels()
    organizations = data.organizations
    if filters.institution is not None and filters.institution not in organizations:
        filters = pt.Filters(None, filters.level, filters.value)
        tracker = pt.track(data.commitment_inputs, data.milestone_inputs, data.today, filters)
    rows = []
    for row in tracker.rows:
        commitment = data.commitments[row.commitment.key]
        rows.append(
            {
                "row": row,
                "commitment": commitment,
                "institutions": [organizations[i] for i in row.institutions if i in organizations],
                "milestones": [
                    {
                        "row": m,
                        "milestone": data.milestones[m.milestone.key],
                        "institutions": [
                            organizations[i] for i in m.milestone.institutions if i in organizations
                        ],
                        "level_label": labels[m.level],
                    }
                    for m in row.milestones
                ],
                "level_label": labels[row.level],
            }
        )
    chart = pt.stacked_chart(
        [
            (
                _("Compromiso %(number)s") % {"number": r["commitment"].number},
                r["row"].levels,
                r["row"].completion,
            )
            for r in rows
        ]
    )
    institutions = sorted(organizations.values(), key=lambda o: o.short_name.lower())
    by_institution = sorted(
        (
            {
                "organization": organizations[key],
                "counts": counts,
                "cells": [counts[level] for level in pt.LEVELS],
                "total": sum(counts[level] for level in pt.LEVELS),
            }
            for key, counts in tracker.by_institution.items()
            if key in organizations
        ),
        key=lambda item: item["organization"].short_name.lower(),
    )
    return {
        "tracker": tracker,
        "rows": rows,
        "chart": chart,
        "bars": [
            {"bar": bar, "segments": [(segment, labels[segment.level]) for segment in bar.segments]}
            for bar in chart.bars
        ],
        "filters": filters,
        "levels": [(level, labels[level], tracker.by_level[level]) for level in pt.LEVELS],
        "institutions": institutions,
        "by_institution": by_institution,
        "values": OgpValue.choices,
    }


def _query(filters: pt.Filters) -> str:
    found = {
        "institucion": filters.institution,
        "estado": filters.level,
        "valor": filters.value,
    }
    present = {key: value for key, value in found.items() if value is not None}
    return "?" + urlencode(present) if present else ""


@pagecache.public_page(pagecache.address)
def tracker(request: HttpRequest, plan: str) -> HttpResponse:
    return render_public(request, lambda: _tracker(request, plan))


def _tracker(request: HttpRequest, plan: str) -> Built:
    today = timezone.localdate()
    data = gather(request.user, plan, today)
    context = _view_model(data, parse_filters(request))
    query = _query(context["filters"])
    context.update(
        action_plan=data.plan,
        today=today,
        filtered=bool(query),
        downloads=[
            (fmt.upper(), reverse("portal:tracker_download", kwargs={"plan": plan, "fmt": fmt}) + query)
            for fmt in FORMATS
        ],
        thresholds={"substantial": int(pt.SUBSTANTIAL_FROM), "complete": int(pt.COMPLETE_AT)},
    )
    return ("plans/tracker.html", context)


HEADERS = (
    "compromiso",
    "id_ogp",
    "titulo_compromiso",
    "avance_compromiso",
    "hito",
    "titulo_hito",
    "instituciones",
    "inicio",
    "fin",
    "avance_hito",
    "nivel",
    "nivel_texto",
    "vencido",
    "ultima_actualizacion",
    "enlace",
)


def _records(request: HttpRequest, data: Gathered, context: dict[str, Any]) -> list[list[Any]]:
    """One row per milestone shown (a commitment without milestones: one row of its own)."""
    found: list[list[Any]] = []
    place = tracker_figures.url_place()
    for item in context["rows"]:
        row, commitment = item["row"], item["commitment"]
        head = [commitment.number, commitment.ogp_id, commitment.title, row.completion]
        if not item["milestones"]:
            found.append([*head, "", "", "; ".join(_name(o) for o in item["institutions"])] + [None] * 8)
        for entry in item["milestones"]:
            milestone, figures = entry["milestone"], entry["row"]
            found.append(
                [
                    *head,
                    milestone.number,
                    milestone.title,
                    "; ".join(_name(o) for o in entry["institutions"]),
                    milestone.start_day,
                    milestone.end_day,
                    figures.milestone.completion,
                    figures.level,
                    entry["level_label"],
                    figures.overdue,
                    figures.milestone.last_update,
                    request.build_absolute_uri(tracker_figures.milestone_url(milestone, place)),
                ]
            )
    return found


def _json(request: HttpRequest, data: Gathered, context: dict[str, Any]) -> dict[str, Any]:
    tracker: pt.Tracker = context["tracker"]
    filters: pt.Filters = context["filters"]

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    place = tracker_figures.url_place()

    def org(organization: Organization) -> dict[str, str]:
        return {"name": organization.name, "acronym": organization.acronym}

    return {
        "plan": {
            "name": data.plan.name,
            "slug": data.plan.slug,
            "url": request.build_absolute_uri(data.plan.get_absolute_url()),
        },
        "day": data.today.isoformat(),
        "filters": {"institution": filters.institution, "level": filters.level, "ogp_value": filters.value},
        "counts": {
            "commitments": len(tracker.rows),
            "milestones": tracker.milestones,
            "overdue": tracker.overdue,
            "by_level": tracker.by_level,
            "by_institution": [
                {**org(item["organization"]), **item["counts"]} for item in context["by_institution"]
            ],
        },
        "last_update": iso(tracker.last_update),
        "commitments": [
            {
                "number": item["commitment"].number,
                "ogp_id": item["commitment"].ogp_id,
                "title": item["commitment"].title,
                "ogp_values": list(item["row"].commitment.ogp_values),
                "completion": item["row"].completion,
                "level": item["row"].level,
                "institutions": [org(o) for o in item["institutions"]],
                "overdue": item["row"].overdue,
                "last_update": iso(item["row"].last_update),
                "milestones": [
                    {
                        "number": entry["milestone"].number,
                        "title": entry["milestone"].title,
                        "institutions": [org(o) for o in entry["institutions"]],
                        "start": iso(entry["milestone"].start_day),
                        "end": iso(entry["milestone"].end_day),
                        "completion": entry["row"].milestone.completion,
                        "level": entry["row"].level,
                        "overdue": entry["row"].overdue,
                        "cancelled": entry["row"].cancelled,
                        "last_update": iso(entry["row"].milestone.last_update),
                        "url": request.build_absolute_uri(
                            tracker_figures.milestone_url(entry["milestone"], place)
                        ),
                    }
                    for entry in item["milestones"]
                ],
            }
            for item in context["rows"]
        ],
    }


@require_safe
def tracker_download(request: HttpRequest, plan: str, fmt: str) -> HttpResponse:
    """``seguimiento.csv`` (also ``.xlsx``, ``.json``): the rows the page shows with the same filters."""
    if fmt not in FORMATS:
        raise Http404
    data = gather(request.user, plan, timezone.localdate())
    context = _view_model(data, parse_filters(request))
    if fmt == "json":
        body: bytes = json.dumps(_json(request, data, context), ensure_ascii=False, indent=2).encode()
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        for record in _records(request, data, context):
            writer.writerow(
                [
                    ""
                    if value is None
                    else (
                        _("Sí")
                        if value is True
                        else _("No")
                        if value is False
                        else safe_cell(value if not isinstance(value, date) else value.isoformat())
                    )
                    for value in record
                ]
            )
        body = ("\ufeff" + buffer.getvalue()).encode()
    else:
        rows = [
            [(_("Sí") if v is True else _("No") if v is False else v) for v in record]
            for record in _records(request, data, context)
        ]
        body = write_table_xlsx(rows, list(HEADERS), title=_("Seguimiento"))
    response = HttpResponse(body, content_type=FORMATS[fmt])
    name = f"seguimiento-{slugify(data.plan.slug)[:60]}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
