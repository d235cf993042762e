"""Staff screens (under /gestion/, behind two-step verification): importing a work plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import holds_staff_role, permission
from cocrea.audit.context import acting_as
from cocrea.computations.planparse import ParsedPlan, PlanParseError
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.plans import services
from cocrea.plans.findings import SEVERITY_LABELS, describe, describe_parse_error
from cocrea.plans.models import Commitment

PLAN_UPLOADS_PER_HOUR = 20
EVIDENCE_KINDS = {"pdf", "png", "jpeg", "gif", "zip", "text"}


def _existing_commitment(plan: ParsedPlan) -> Commitment | None:
    from django.utils.text import slugify

    return Commitment.objects.filter(
        action_plan__slug=slugify(plan.action_plan_name)[:120], number=plan.commitment_number
    ).first()


def _may_import(user: Any, plan: ParsedPlan | None = None) -> bool:
    if not user.has_perm("plans.import_plan"):
        return False
    if plan is None:
        return True
    commitment = _existing_commitment(plan)
    if commitment is None:
        return bool(user.has_perm(permission("commitment", "add")))
    return bool(user.has_perm(permission("commitment", "change"), commitment))


@login_required
@require_http_methods(["GET", "POST"])
def import_plan(request: HttpRequest) -> HttpResponse:
    if not _may_import(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {}
    if request.method == "POST":
        if not allow(f"plan-upload:{request.user.pk}", PLAN_UPLOADS_PER_HOUR, 3600):
            context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
            return render(request, "staff/import_plan.html", context, status=429)
        uploaded = request.FILES.get("file")
        try:
            data = read_upload(uploaded, allowed={"text"})
            plan, findings = services.check_plan_file(data)
        except UploadRejected as rejected:
            context["error"] = rejected.message
        except PlanParseError as error:
            context["error"] = describe_parse_error(error)
        else:
            if not _may_import(request.user, plan):
                context["error"] = _(
                    "Este plan es del compromiso %(number)s, que usted no coordina: pida a un "
                    "administrador que lo importe."
                ) % {"number": plan.commitment_number}
            else:
                upload = store_upload(data, original_name=uploaded.name, owner=request.user, purpose="plan")
                context.update(
                    {
                        "upload": upload,
                        "plan": plan,
                        "existing": _existing_commitment(plan),
                        "findings": [
                            {"finding": f, "message": describe(f), "label": SEVERITY_LABELS[f.severity]}
                            for f in findings
                        ],
                        "errors": sum(1 for f in findings if f.severity == "error"),
                    }
                )
        status = 400 if "error" in context else 200
        return render(request, "staff/import_plan.html", context, status=status)
    return render(request, "staff/import_plan.html", context)


@login_required
@require_POST
@limit_posts("plan-confirm", 20)
def import_plan_confirm(request: HttpRequest, upload: str) -> HttpResponse:
    stored = get_object_or_404(Upload, pk=upload, purpose="plan", owner=request.user)
    data = stored.file.read()
    try:
        plan, _findings = services.check_plan_file(data)
    except PlanParseError as error:  # the stored file was checked already; kept for safety
        messages.error(request, describe_parse_error(error))
        return redirect("staff:import_plan")
    if not _may_import(request.user, plan):
        raise PermissionDenied
    with acting_as(request.user, "web"):
        report = services.import_plan(
            data, filename=stored.original_name, publish=request.POST.get("publish") == "1"
        )
    messages.success(
        request,
        _("Plan importado: %(created)s creados, %(updated)s actualizados, %(deleted)s eliminados.")
        % {
            "created": sum(report.created.values()),
            "updated": sum(report.updated.values()),
            "deleted": sum(report.deleted.values()),
        },
    )
    assert report.milestone is not None
    return redirect(report.milestone.get_check_url())


@login_required
def download_upload(request: HttpRequest, upload: str) -> FileResponse:
    stored = get_object_or_404(Upload, pk=upload)
    if stored.owner_id != request.user.pk and not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    return attachment(stored.file.open("rb"), f"{stored.original_name}")


def attachment(handle: Any, filename: str) -> FileResponse:
    """Served as a download, never rendered: attachment, a neutral type, nosniff."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Recording execution ---------------------------------------------------------------------


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_activity_progress(request: HttpRequest, activity: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.plans.execution import record_progress
    from cocrea.plans.forms import ProgressForm
    from cocrea.plans.models import Activity
    from cocrea.plans.workflow import WorkflowError

    found = get_object_or_404(
        Activity.objects.select_related("milestone__commitment__action_plan"), pk=activity
    )
    if not request.user.has_perm(permission("activity", "change"), found):
        raise PermissionDenied
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"day": timezone_today()})
    if request.method == "POST":
        if not allow(f"progress:{request.user.pk}", 120, 3600):
            return _form_page(
                request,
                "staff/progress.html",
                {
                    "activity": found,
                    "form": form,
                    "entries": [],
                    "error": _("Demasiados registros en una hora. Inténtelo más tarde."),
                },
                429,
            )
        if form.is_valid():
            data = form.cleaned_data
            files = []
            if data["evidence_file"]:
                try:
                    content = read_upload(data["evidence_file"], allowed=EVIDENCE_KINDS)
                except UploadRejected as rejected:
                    form.add_error("evidence_file", rejected.message)
                else:
                    upload = store_upload(
                        content,
                        original_name=data["evidence_file"].name,
                        owner=request.user,
                        purpose="evidence",
                    )
                    files.append((data["evidence_title"], upload))
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_progress(
                    found,
                    day=data["day"],
                    percent=data["percent"],
                    status=data["status"] or None,
                    actual_start=data["actual_start"],
                    actual_end=data["actual_end"],
                    reason=data["reason"],
                    note=data["note"],
                    evidence=[(data["evidence_title"], data["evidence_url"])] if data["evidence_url"] else [],
                    evidence_files=files,
                    by=request.user,
                )
            except (WorkflowError, ValidationError) as error:
                form.add_error(None, getattr(error, "message", str(error)))
            else:
                messages.success(request, _("Avance registrado."))
                return redirect("staff:record_progress", activity=found.pk)
    entries = found.progress_entries.order_by("-day", "-pk").prefetch_related("evidence")
    return _form_page(
        request,
        "staff/progress.html",
        {"activity": found, "milestone": found.milestone, "form": form, "entries": entries},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("expenditure", 200)
def record_line_expenditure(request: HttpRequest, line: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.budget.forms import ExpenditureForm
    from cocrea.budget.models import BudgetLine
    from cocrea.budget.services import record_expenditure

    found = get_object_or_404(
        BudgetLine.objects.select_related("milestone__commitment__action_plan"), pk=line
    )
    if not request.user.has_perm(permission("budgetline", "change"), found):
        raise PermissionDenied
    form = ExpenditureForm(request.POST or None, initial={"day": timezone_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_expenditure(
                found,
                day=data["day"],
                amount=data["amount"],
                description=data["description"],
                reference=data["reference"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gasto registrado."))
            return redirect("staff:record_expenditure", line=found.pk)
    return _form_page(
        request,
        "staff/expenditure.html",
        {
            "line": found,
            "milestone": found.milestone,
            "form": form,
            "expenditures": found.expenditures.order_by("-day"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting", 100)
def record_meeting(request: HttpRequest, meeting: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation.forms import MeetingOutcomeForm
    from cocrea.participation.models import Meeting
    from cocrea.participation.services import record_meeting_outcome

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan"), pk=meeting
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    form = MeetingOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_meeting_outcome(
                found,
                outcome=data["outcome"],
                day=data["day"],
                place=data["place"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reunión actualizada."))
            return redirect(found.milestone.get_dashboard_url())
    return _form_page(
        request,
        "staff/meeting.html",
        {"meeting": found, "milestone": found.milestone, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("baseline", 30)
def approve_milestone_baseline(request: HttpRequest, milestone: int) -> HttpResponse:
    from cocrea.plans.execution import approve_baseline
    from cocrea.plans.forms import BaselineForm
    from cocrea.plans.models import Milestone
    from cocrea.plans.workflow import WorkflowError

    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not request.user.has_perm(permission("milestone", "change"), found):
        raise PermissionDenied
    form = BaselineForm(request.POST or None, initial={"effective_from": timezone_today()})
    if request.method == "POST" and form.is_valid():
        try:
            baseline = approve_baseline(
                found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except WorkflowError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Línea base %(number)s aprobada.") % {"number": baseline.number})
            return redirect(found.get_dashboard_url())
    return _form_page(
        request,
        "staff/baseline.html",
        {"milestone": found, "form": form, "baselines": found.baselines.order_by("-number")},
        status=400 if form.errors else 200,
    )


@login_required
def milestone_execution(request: HttpRequest, milestone: int) -> HttpResponse:
    """The staff entry point for one milestone: what can be recorded, with links."""
    from cocrea.plans.models import Milestone

    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not holds_staff_role(request.user) or not request.user.has_perm(
        permission("milestone", "view"), found
    ):
        raise PermissionDenied
    user = request.user
    return render(
        request,
        "staff/milestone.html",
        {
            "milestone": found,
            "activities": [
                a
                for a in found.activities.prefetch_related("responsible")
                if user.has_perm(permission("activity", "change"), a)
            ],
            "lines": [
                line
                for line in found.budget_lines.all()
                if user.has_perm(permission("budgetline", "change"), line)
            ],
            "meetings": _with_overdue_agreements(
                [m for m in found.meetings.all() if user.has_perm(permission("meeting", "change"), m)]
            ),
            "can_baseline": user.has_perm(permission("milestone", "change"), found),
        },
    )


def _with_overdue_agreements(meetings: list[Any]) -> list[Any]:
    """Each meeting's number of overdue agreements (``overdue_agreements``), in one query."""
    from django.db.models import Count

    from cocrea.participation.models import Agreement

    counts = dict(
        Agreement.objects.overdue(timezone_today())
        .filter(meeting__in=[m.pk for m in meetings])
        .values_list("meeting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for meeting in meetings:
        meeting.overdue_agreements = counts.get(meeting.pk, 0)
    return meetings


def timezone_today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()


# --- Bulk imports from spreadsheets, with a preview ----------------------------------------------

SHEET_IMPORTS = {
    "avance": {
        "title": gettext_lazy("Importar avances"),
        "columns": "activity,date,percent_complete,status,actual_start,actual_end,note",
        "permission": ("activity", "change"),
    },
    "gastos": {
        "title": gettext_lazy("Importar gastos"),
        "columns": "budget_line,date,amount,description,reference",
        "permission": ("budgetline", "change"),
    },
}


def _sheet_import_runner(kind: str) -> Any:
    if kind == "avance":
        from cocrea.plans.execution import import_progress

        return import_progress
    from cocrea.budget.services import import_expenditures

    return import_expenditures


def _sheet_milestone(request: HttpRequest, milestone: int, kind: str) -> Any:
    from django.http import Http404

    from cocrea.plans.models import Milestone

    if kind not in SHEET_IMPORTS:
        raise Http404
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    model, action = SHEET_IMPORTS[kind]["permission"]
    rows = found.activities.all() if model == "activity" else found.budget_lines.all()
    if not holds_staff_role(request.user) or not any(
        request.user.has_perm(permission(model, action), r) for r in rows
    ):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
def sheet_import(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:
    from cocrea.computations.sheets import SheetError
    from cocrea.plans.sheet_messages import describe_row_error, describe_row_warning, describe_sheet_error

    found = _sheet_milestone(request, milestone, kind)
    context: dict[str, Any] = {"milestone": found, "kind": kind, **SHEET_IMPORTS[kind]}
    if request.method == "POST":
        if not allow(f"sheet-upload:{request.user.pk}", PLAN_UPLOADS_PER_HOUR * 3, 3600):
            context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
            return render(request, "staff/sheet_import.html", context, status=429)
        uploaded = request.FILES.get("file")
        try:
            data = read_upload(uploaded, allowed={"text", "zip"})
            result = _sheet_import_runner(kind)(found, data, by=request.user, write=False)
        except UploadRejected as rejected:
            context["error"] = rejected.message
        except SheetError as error:
            context["error"] = describe_sheet_error(error)
        else:
            context["result"] = result
            context["errors"] = [describe_row_error(e) for e in result.errors]
            context["warnings"] = [describe_row_warning(w) for w in result.warnings]
            if not result.errors:
                context["upload"] = store_upload(
                    data, original_name=uploaded.name, owner=request.user, purpose=f"sheet-{kind}"
                )
        status = 400 if context.get("error") or context.get("errors") else 200
        return render(request, "staff/sheet_import.html", context, status=status)
    return render(request, "staff/sheet_import.html", context)


@login_required
@require_POST
@limit_posts("sheet-confirm", 60)
def sheet_import_confirm(request: HttpRequest, milestone: int, kind: str, upload: str) -> HttpResponse:
    from cocrea.plans.sheet_messages import describe_row_error

    found = _sheet_milestone(request, milestone, kind)
    stored = get_object_or_404(Upload, pk=upload, purpose=f"sheet-{kind}", owner=request.user)
    with acting_as(request.user, "web"):
        result = _sheet_import_runner(kind)(found, stored.file.read(), by=request.user, write=True)
    if result.errors:
        for message in [describe_row_error(e) for e in result.errors]:
            messages.error(request, message)
        messages.error(request, _("No se importó nada."))
        return redirect("staff:sheet_import", milestone=found.pk, kind=kind)
    messages.success(request, _("%(count)s filas importadas.") % {"count": len(result.rows)})
    return redirect(found.get_dashboard_url())


@login_required
def sheet_template(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:
    """An XLSX to fill in: the right columns and one row per activity or budget line."""
    import io

    from cocrea.computations.sheets import write_xlsx

    found = _sheet_milestone(request, milestone, kind)
    headers = SHEET_IMPORTS[kind]["columns"].split(",")
    if kind == "avance":
        rows = [[a.code, None, None, "", None, None, a.title[:120]] for a in found.activities.all()]
    else:
        rows = [
            [f"{line.number:02d}", None, None, line.description[:120], ""]
            for line in found.budget_lines.all()
        ]
    data = write_xlsx(rows, headers, title=kind)
    return attachment(
        io.BytesIO(data), f"plantilla-{kind}-hito-{found.commitment.number}-{found.number}.xlsx"
    )


# --- Participation: attendance and duplicates --------------------------------------------------


@login_required
@limit_posts("attendance", 500)
@require_http_methods(["GET", "POST"])
def take_attendance(request: HttpRequest, meeting: int) -> HttpResponse:
    """Mark who came: registered participants, or anyone typed in (matched against the registry)."""
    from django.core.exceptions import ValidationError

    from cocrea.computations.matching import find_person, identity_keys
    from cocrea.participation.models import Meeting, Person, Registration
    from cocrea.participation.services import record_attendance, register_person
    from cocrea.plans.models import Organization

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan"), pk=meeting
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    if request.method == "POST" and request.FILES.get("document"):
        from cocrea.participation.models import MeetingDocument

        try:
            content = read_upload(request.FILES["document"], allowed=EVIDENCE_KINDS)
        except UploadRejected as rejected:
            messages.error(request, rejected.message)
        else:
            upload = store_upload(
                content, original_name=request.FILES["document"].name, owner=request.user, purpose="meeting"
            )
            with acting_as(request.user, "web"):
                MeetingDocument.objects.create(
                    meeting=found,
                    title=(request.POST.get("document_title") or request.FILES["document"].name)[:300],
                    upload=upload,
                )
            messages.success(request, _("Documento publicado."))
        return redirect("staff:take_attendance", meeting=found.pk)
    if request.method == "POST":
        from cocrea.participation.summary import batch

        present = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()}
        with batch():  # indicator E's summary refreshed once for everyone marked present
            for registration in Registration.objects.filter(meeting=found, pk__in=present).select_related(
                "person"
            ):
                record_attendance(found, registration.person, registration.organization)
        name = request.POST.get("name", "").strip()
        if name:
            email = request.POST.get("email", "").strip()
            keys = identity_keys(name, email)
            query = Person.objects.active().filter(
                Q(email__in=[k[6:] for k in keys if k.startswith("email:")])
                | Q(match_key__in=[k[5:] for k in keys if k.startswith("name:")])
            )
            match = find_person(name, email, [(p.pk, p.name, p.email) for p in query])
            try:
                person = Person.objects.get(pk=match) if match else register_person(name=name, email=email)
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
                return redirect("staff:take_attendance", meeting=found.pk)
            organization = Organization.objects.filter(pk=request.POST.get("organization") or 0).first()
            record_attendance(found, person, organization)
            messages.success(
                request,
                (_("%(name)s ya estaba en el registro.") if match else _("%(name)s se añadió al registro."))
                % {"name": person.name},
            )
        else:
            messages.success(request, _("Asistencia guardada."))
        return redirect("staff:take_attendance", meeting=found.pk)
    attended = set(found.attendance.values_list("person_id", flat=True))
    return render(
        request,
        "staff/attendance.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "registrations": found.registrations.exclude(status="cancelled").select_related(
                "person", "organization"
            ),
            "attended": attended,
            "attendance": found.attendance.select_related("person", "organization"),
            "organizations": Organization.objects.order_by("name"),
        },
    )


@login_required
@limit_posts("merge", 200)
@require_http_methods(["GET", "POST"])
def duplicates(request: HttpRequest) -> HttpResponse:
    """Pairs of people likely to be the same person, proposed for a merge; never merged silently."""
    from django.core.exceptions import ValidationError

    from cocrea.computations.matching import propose_merges
    from cocrea.participation.models import Person
    from cocrea.participation.services import merge_people

    if not request.user.has_perm("participation.merge_person"):
        raise PermissionDenied
    if request.method == "POST":
        keep = get_object_or_404(Person, pk=_int_or_none(request.POST.get("keep")))
        duplicate = get_object_or_404(Person, pk=_int_or_none(request.POST.get("duplicate")))
        try:
            merge_people(keep, duplicate, by=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(
                request,
                _("Se fusionaron «%(duplicate)s» en «%(keep)s». Puede deshacerlo desde su ficha.")
                % {"duplicate": duplicate.name, "keep": keep.name},
            )
        return redirect("staff:duplicates")
    people = list(Person.objects.active().values_list("pk", "name", "email", "user_id"))
    by_id = {pk: (name, user_id) for pk, name, _email, user_id in people}
    proposals = []
    for a, b, score in propose_merges([(pk, name, email) for pk, name, email, _user in people])[:200]:
        if by_id[a][1] is not None and by_id[b][1] is not None:
            continue  # two accounts: two people who signed up, never merged here
        keep, duplicate = (b, a) if by_id[a][1] is None and by_id[b][1] is not None else (a, b)
        proposals.append(
            {
                "keep": keep,
                "duplicate": duplicate,
                "score": round(score * 100),
                "keep_name": by_id[keep][0],
                "duplicate_name": by_id[duplicate][0],
            }
        )
    return render(request, "staff/duplicates.html", {"proposals": proposals})


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@login_required
@require_POST
@limit_posts("merge", 200)
def unmerge_person(request: HttpRequest, person: int) -> HttpResponse:
    """Undo a merge: what moved goes back to the duplicate, which is a person of its own again."""
    from django.core.exceptions import ValidationError

    from cocrea.participation.models import Person
    from cocrea.participation.services import unmerge_people

    found = get_object_or_404(Person, pk=person)
    if not request.user.has_perm("participation.merge_person", found):
        raise PermissionDenied
    try:
        unmerge_people(found, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("La fusión se deshizo: «%(name)s» vuelve a ser una persona aparte.") % {"name": found.name},
        )
    return redirect("staff:person", person=found.pk)


# --- Meetings: agenda, minutes and agreements ----------------------------------------------------


def _meeting_for(request: HttpRequest, meeting: int) -> Any:
    """The meeting, if the user may record it (the rules scope meetings by commitment/milestone)."""
    from cocrea.participation.models import Meeting

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan").prefetch_related(
            "milestone__commitment__entities"
        ),
        pk=meeting,
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    return found


def _may(request: HttpRequest, model: str, action: str, obj: Any) -> bool:
    return bool(request.user.has_perm(permission(model, action), obj))


def _error_text(error: Any) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agenda", 300)
def meeting_agenda(request: HttpRequest, meeting: int) -> HttpResponse:
    """The meeting's agenda, in order: add, edit, reorder and remove points."""
    from django.core.exceptions import ValidationError

    from cocrea.participation.forms import AgendaItemForm
    from cocrea.participation.services import add_agenda_item

    found = _meeting_for(request, meeting)
    can_add = _may(request, "agendaitem", "add", found)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                add_agenda_item(found, title=form.cleaned_data["title"], by=request.user)
            except ValidationError as error:
                form.add_error("title", error)
            else:
                messages.success(request, _("Punto añadido a la agenda."))
                return redirect("staff:meeting_agenda", meeting=found.pk)
    return render(
        request,
        "staff/agenda.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "items": list(found.agenda.order_by("position", "pk")),
            "form": form,
            "can_add": can_add,
            "can_change": _may(request, "agendaitem", "change", found),
            "can_delete": _may(request, "agendaitem", "delete", found),
            "section": "agenda",
        },
        status=400 if form.errors else 200,
    )


def _agenda_item_for(request: HttpRequest, item: int, action: str) -> Any:
    from cocrea.participation.models import AgendaItem

    found = get_object_or_404(
        AgendaItem.objects.select_related("meeting__milestone__commitment__action_plan").prefetch_related(
            "meeting__milestone__commitment__entities"
        ),
        pk=item,
    )
    if not _may(request, "meeting", "change", found.meeting) or not _may(
        request, "agendaitem", action, found
    ):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agenda", 300)
def edit_agenda_item(request: HttpRequest, item: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation import services as participation
    from cocrea.participation.forms import AgendaItemEditForm

    found = _agenda_item_for(request, item, "change")
    form = AgendaItemEditForm(
        request.POST or None, initial={"title": found.title, "edit_version": found.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            participation.edit_agenda_item(
                found,
                title=form.cleaned_data["title"],
                expected_version=form.cleaned_data["edit_version"],
                by=request.user,
            )
        except StaleEdit as stale:
            found = stale.current
            form = _restarted(AgendaItemEditForm, request.POST, found.version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Punto de la agenda actualizado."))
            return redirect("staff:meeting_agenda", meeting=found.meeting_id)
    return render(
        request,
        "staff/agenda_item.html",
        {"item": found, "meeting": found.meeting, "milestone": found.meeting.milestone, "form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
@require_POST
@limit_posts("agenda", 300)
def move_agenda_item(request: HttpRequest, item: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation import services as participation

    found = _agenda_item_for(request, item, "change")
    try:
        participation.move_agenda_item(found, request.POST.get("direction", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Orden de la agenda actualizado."))
    return redirect("staff:meeting_agenda", meeting=found.meeting_id)


@login_required
@require_POST
@limit_posts("agenda", 300)
def remove_agenda_item(request: HttpRequest, item: int) -> HttpResponse:
    from cocrea.participation import services as participation

    found = _agenda_item_for(request, item, "delete")
    participation.remove_agenda_item(found, by=request.user)
    messages.success(request, _("Se quitó «%(title)s» de la agenda.") % {"title": found.title})
    return redirect("staff:meeting_agenda", meeting=found.meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("minutes", 120)
def meeting_minutes(request: HttpRequest, meeting: int) -> HttpResponse:
    """The minutes (acta): plain text, published escaped on the meeting's page."""
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation.forms import MinutesForm
    from cocrea.participation.services import record_minutes

    found = _meeting_for(request, meeting)
    form = MinutesForm(
        request.POST or None, initial={"minutes": found.minutes, "edit_version": found.version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record_minutes(
                found,
                text=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["edit_version"],
                by=request.user,
            )
        except StaleEdit as stale:
            found = stale.current
            form = _restarted(MinutesForm, request.POST, found.version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error("minutes", error)
        else:
            messages.success(request, _("Acta guardada."))
            return redirect("staff:meeting_minutes", meeting=found.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "staff/minutes.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "form": form,
            "stale": status == 409,
            "section": "minutes",
        },
        status=status,
    )


def _restarted(form_class: Any, data: Any, version: int, **kwargs: Any) -> Any:
    """The editor's input kept, now based on the current version: saving again overwrites."""
    copy = data.copy()
    copy["edit_version"] = str(version)
    form = form_class(copy, **kwargs)
    form.is_valid()
    return form


def _agreements_page(
    request: HttpRequest, found: Any, form: Any = None, error: str = "", status: int = 200
) -> HttpResponse:
    from django.db.models import F

    from cocrea.participation.forms import AgreementForm

    today = timezone_today()
    can_add = _may(request, "agreement", "add", found)
    agreements = list(
        found.agreements.select_related("owner_organization").order_by(
            F("due_date").asc(nulls_last=True), "pk"
        )
    )
    overdue = set(found.agreements.overdue(today).values_list("pk", flat=True))
    return render(
        request,
        "staff/agreements.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "rows": [(a, a.pk in overdue) for a in agreements],
            "overdue_count": len(overdue),
            "form": form if form is not None else (AgreementForm() if can_add else None),
            "can_add": can_add,
            "can_change": _may(request, "agreement", "change", found),
            "today": today,
            "error": error,
            "section": "agreements",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agreements", 300)
def meeting_agreements(request: HttpRequest, meeting: int) -> HttpResponse:
    """The meeting's agreements: who does what by when; overdue ones flagged; add one."""
    from django.core.exceptions import ValidationError

    from cocrea.participation.forms import AgreementForm
    from cocrea.participation.services import add_agreement

    found = _meeting_for(request, meeting)
    if request.method != "POST":
        return _agreements_page(request, found)
    if not _may(request, "agreement", "add", found):
        raise PermissionDenied
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            add_agreement(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Acuerdo registrado."))
            return redirect("staff:meeting_agreements", meeting=found.pk)
    return _agreements_page(request, found, form=form, status=400)


def _agreement_for(request: HttpRequest, agreement: int, action: str) -> Any:
    from cocrea.participation.models import Agreement

    found = get_object_or_404(
        Agreement.objects.select_related(
            "meeting__milestone__commitment__action_plan", "owner_organization"
        ).prefetch_related("meeting__milestone__commitment__entities"),
        pk=agreement,
    )
    if not _may(request, "meeting", "change", found.meeting) or not _may(request, "agreement", action, found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agreements", 300)
def edit_agreement(request: HttpRequest, agreement: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation import services as participation
    from cocrea.participation.forms import AgreementEditForm

    found = _agreement_for(request, agreement, "change")
    form = AgreementEditForm(
        request.POST or None,
        initial={
            "text": found.text,
            "owner_organization": found.owner_organization_id,
            "owner_text": found.owner_text,
            "due_date": found.due_date,
            "edit_version": found.version,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("edit_version")
        try:
            participation.edit_agreement(found, expected_version=version, **data, by=request.user)
        except StaleEdit as stale:
            found = stale.current
            form = _restarted(AgreementEditForm, request.POST, found.version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Acuerdo actualizado."))
            return redirect("staff:meeting_agreements", meeting=found.meeting_id)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "staff/agreement.html",
        {
            "agreement": found,
            "meeting": found.meeting,
            "milestone": found.meeting.milestone,
            "form": form,
            "stale": status == 409,
            "can_delete": _may(request, "agreement", "delete", found),
            "today": timezone_today(),
        },
        status=status,
    )


@login_required
@require_POST
@limit_posts("agreements", 300)
def complete_agreement(request: HttpRequest, agreement: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation import services as participation
    from cocrea.participation.forms import CompleteAgreementForm

    found = _agreement_for(request, agreement, "change")
    form = CompleteAgreementForm(request.POST)
    if not form.is_valid():
        return _agreements_page(
            request,
            found.meeting,
            error=_("No se marcó como cumplido: indique una fecha válida."),
            status=400,
        )
    try:
        participation.complete_agreement(
            found,
            day=form.cleaned_data["done_at"],
            expected_version=form.cleaned_data["edit_version"],
            by=request.user,
        )
    except StaleEdit as stale:
        return _agreements_page(request, found.meeting, error=stale_message(stale.changed), status=409)
    except ValidationError as error:
        return _agreements_page(request, found.meeting, error=_error_text(error), status=400)
    messages.success(request, _("Acuerdo marcado como cumplido."))
    return redirect("staff:meeting_agreements", meeting=found.meeting_id)


@login_required
@require_POST
@limit_posts("agreements", 300)
def reopen_agreement(request: HttpRequest, agreement: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation import services as participation

    found = _agreement_for(request, agreement, "change")
    version = request.POST.get("edit_version", "")
    try:
        participation.reopen_agreement(
            found, expected_version=int(version) if version.isdigit() else None, by=request.user
        )
    except StaleEdit as stale:
        return _agreements_page(request, found.meeting, error=stale_message(stale.changed), status=409)
    except ValidationError as error:
        return _agreements_page(request, found.meeting, error=_error_text(error), status=400)
    messages.success(request, _("Acuerdo reabierto: vuelve a estar pendiente."))
    return redirect("staff:meeting_agreements", meeting=found.meeting_id)


@login_required
@require_POST
@limit_posts("agreements", 300)
def delete_agreement(request: HttpRequest, agreement: int) -> HttpResponse:
    from cocrea.participation import services as participation

    found = _agreement_for(request, agreement, "delete")
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Marque la casilla de confirmación para eliminar el acuerdo."))
        return redirect("staff:edit_agreement", agreement=found.pk)
    participation.delete_agreement(found, by=request.user)
    messages.success(request, _("Acuerdo eliminado."))
    return redirect("staff:meeting_agreements", meeting=found.meeting_id)


# --- People: the registry, consents and memberships ---------------------------------------------

PEOPLE_PER_PAGE = 50


def _people_query(text: str, *, contact: bool) -> Q:
    """Name, public name, match key; the email too for those who may see it (else the search
    would tell anyone whether an address is in the registry)."""
    from cocrea.computations.matching import name_words

    text = " ".join(text.split())[:200]
    condition = Q(name__icontains=text) | Q(display_name__icontains=text)
    if contact:
        condition |= Q(email__icontains=text)
    words = name_words(text)
    if words:
        by_key = Q()
        for word in words:
            by_key &= Q(match_key__contains=word)
        condition |= by_key
    return condition


@login_required
@require_http_methods(["GET"])
def people(request: HttpRequest) -> HttpResponse:
    """The registry of natural persons, searchable by name or email; personal data, so staff only."""
    from django.core.paginator import Paginator
    from django.db.models import Prefetch

    from cocrea.participation.models import Membership, Person

    if not request.user.has_perm(permission("person", "view")):
        raise PermissionDenied
    text = request.GET.get("buscar", "").strip()
    found = Person.objects.active().order_by("name", "pk")
    if text:
        found = found.filter(_people_query(text, contact=request.user.has_perm("participation.view_contact")))
    current = Membership.objects.filter(Q(until=None) | Q(until__gte=timezone_today())).select_related(
        "organization"
    )
    page = Paginator(
        found.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships")),
        PEOPLE_PER_PAGE,
    ).get_page(request.GET.get("pagina"))
    return render(request, "staff/people.html", {"page": page, "text": text})


def _person_page(
    request: HttpRequest,
    person: Any,
    consent_form: Any = None,
    membership_form: Any = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    from cocrea.participation.forms import ConsentForm, EndMembershipForm, MembershipForm
    from cocrea.participation.models import Consent
    from cocrea.participation.services import CONSENT_TEXT_VERSION

    today = timezone_today()
    consents = list(person.consents.order_by("purpose", "-given_at", "-pk"))
    memberships = list(
        person.memberships.select_related("organization").order_by("until", "organization__name", "pk")
    )
    writable = person.merged_into_id is None and person.anonymised_at is None
    can_unmerge = (
        person.merged_into_id is not None
        and person.anonymised_at is None
        and request.user.has_perm("participation.merge_person", person)
    )
    statistics = any(c.purpose == Consent.Purpose.STATISTICS and c.withdrawn_at is None for c in consents)
    return render(
        request,
        "staff/person.html",
        {
            "person": person,
            "consents": consents,
            "memberships": [(m, m.until is None or m.until >= today) for m in memberships],
            "statistics_consent": statistics,
            "can_unmerge": can_unmerge,
            "can_add_consent": writable and _may(request, "consent", "add", person),
            "can_change_consent": writable and _may(request, "consent", "change", person),
            "can_add_membership": writable and _may(request, "membership", "add", person),
            "can_change_membership": writable and _may(request, "membership", "change", person),
            "consent_form": consent_form or ConsentForm(initial={"text_version": CONSENT_TEXT_VERSION}),
            "membership_form": membership_form or MembershipForm(),
            "end_form": EndMembershipForm(initial={"until": today}),
            "today": today,
            "error": error,
        },
        status=status,
    )


def _person_for(request: HttpRequest, person: int, model: str = "person", action: str = "view") -> Any:
    from cocrea.participation.models import Person

    found = get_object_or_404(Person.objects.select_related("merged_into", "user"), pk=person)
    if not _may(request, "person", "view", found) or not _may(request, model, action, found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person: int) -> HttpResponse:
    """One person: their data, consents and the organisations they represent."""
    return _person_page(request, _person_for(request, person))


@login_required
@require_POST
@limit_posts("people", 300)
def record_consent(request: HttpRequest, person: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation import services as participation
    from cocrea.participation.forms import ConsentForm

    found = _person_for(request, person, "consent", "add")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            participation.record_consent(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consentimiento registrado."))
            return redirect("staff:person", person=found.pk)
    return _person_page(request, found, consent_form=form, status=400)


@login_required
@require_POST
@limit_posts("people", 300)
def withdraw_consent(request: HttpRequest, consent: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation import services as participation
    from cocrea.participation.models import Consent

    found = get_object_or_404(Consent.objects.select_related("person"), pk=consent)
    _person_for(request, found.person_id, "consent", "change")
    try:
        participation.withdraw_consent(found, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Consentimiento retirado: %(purpose)s.") % {"purpose": found.get_purpose_display()}
        )
    return redirect("staff:person", person=found.person_id)


@login_required
@require_POST
@limit_posts("people", 300)
def add_membership(request: HttpRequest, person: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation import services as participation
    from cocrea.participation.forms import MembershipForm

    found = _person_for(request, person, "membership", "add")
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            participation.add_membership(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Representación añadida."))
            return redirect("staff:person", person=found.pk)
    return _person_page(request, found, membership_form=form, status=400)


def _membership_for(request: HttpRequest, membership: int) -> Any:
    from cocrea.participation.models import Membership

    found = get_object_or_404(Membership.objects.select_related("person", "organization"), pk=membership)
    _person_for(request, found.person_id, "membership", "change")
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("people", 300)
def edit_membership(request: HttpRequest, membership: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.core.versioning import StaleEdit, stale_message
    from cocrea.participation import services as participation
    from cocrea.participation.forms import MembershipPeriodForm

    found = _membership_for(request, membership)
    initial = {"role": found.role, "since": found.since, "until": found.until}
    form = MembershipPeriodForm(request.POST or None, initial={**initial, "edit_version": found.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("edit_version")
        try:
            participation.edit_membership(
                found, **data, expected_version=version, basis=initial, by=request.user
            )
        except StaleEdit as stale:
            found.refresh_from_db()
            form = _restarted(MembershipPeriodForm, request.POST, found.version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Representación actualizada."))
            return redirect("staff:person", person=found.person_id)
    return render(
        request,
        "staff/membership.html",
        {"membership": found, "person": found.person, "form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
@require_POST
@limit_posts("people", 300)
def end_membership(request: HttpRequest, membership: int) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from cocrea.participation import services as participation
    from cocrea.participation.forms import EndMembershipForm

    found = _membership_for(request, membership)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        return _person_page(
            request,
            found.person,
            error=_("No se terminó la representación: indique una fecha válida."),
            status=400,
        )
    try:
        participation.end_membership(found, day=form.cleaned_data["until"], by=request.user)
    except ValidationError as error:
        return _person_page(request, found.person, error=_error_text(error), status=400)
    messages.success(request, _("Representación terminada."))
    return redirect("staff:person", person=found.person_id)
