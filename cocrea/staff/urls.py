"""The staff shell's routes under /gestion/: each screen belongs to its domain app; the names stay
in the ``staff`` namespace so that links and tests do not depend on where a screen lives."""

from django.urls import path

from cocrea.accounts import staff_views as roles
from cocrea.budget import staff_views as budget
from cocrea.core import views as core
from cocrea.participation.staff import affiliations, attendance, meetings, people, schedule, signin
from cocrea.plans import staff_progress as progress
from cocrea.plans import staff_review as review
from cocrea.plans import staff_sheets as sheets
from cocrea.plans import staff_structure as structure
from cocrea.plans import staff_tracker as tracker
from cocrea.plans import staff_views as plans
from cocrea.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("importar-plan/", plans.import_plan, name="import_plan"),
    path("importar-plan/<uuid:upload>/confirmar/", plans.import_plan_confirm, name="import_plan_confirm"),
    path("importar-plan/<uuid:upload>/retirar/", plans.import_plan_removals, name="import_plan_removals"),
    path("importar-seguimiento/", tracker.import_tracker_screen, name="import_tracker"),
    path(
        "importar-seguimiento/<uuid:upload>/confirmar/",
        tracker.import_tracker_confirm,
        name="import_tracker_confirm",
    ),
    path("archivos/<uuid:upload>/", core.download_upload, name="download_upload"),
    path("tareas/<uuid:job>/", core.job_status, name="job"),  # background jobs (cocrea.core.jobs)
    path("tareas/<uuid:job>/archivo/", core.job_file, name="job_file"),
    path("hitos/<int:milestone>/", views.milestone_execution, name="milestone"),
    path("hitos/<int:milestone>/linea-base/", plans.approve_milestone_baseline, name="approve_baseline"),
    path("actividades/<int:activity>/avance/", plans.record_activity_progress, name="record_progress"),
    path("hitos/<int:milestone>/avance/", plans.record_milestone_progress, name="record_milestone_progress"),
    path("planes/", structure.plans, name="structure_plans"),
    path("planes/nuevo/", structure.plan_form, name="structure_new_plan"),
    path("planes/<int:plan>/", structure.plan_form, name="structure_plan"),
    path("planes/<int:plan>/compromisos/nuevo/", structure.commitment_form, name="structure_new_commitment"),
    path("compromisos/<int:commitment>/", structure.commitment_form, name="structure_commitment"),
    path("compromisos/<int:commitment>/irm/", structure.irm_form, name="structure_irm"),
    path(
        "compromisos/<int:commitment>/hitos/nuevo/", structure.milestone_form, name="structure_new_milestone"
    ),
    path("hitos/<int:milestone>/editar/", structure.milestone_form, name="structure_milestone"),
    path(
        "indicadores/<int:indicator>/mediciones/", plans.indicator_measurements, name="indicator_measurements"
    ),
    path("lineas/<int:line>/gasto/", budget.record_line_expenditure, name="record_expenditure"),
    path("gastos/<int:expenditure>/", budget.edit_expenditure, name="edit_expenditure"),
    path("gastos/<int:expenditure>/anular/", budget.annul_expenditure, name="annul_expenditure"),
    path("avances/<int:entry>/", progress.edit_progress, name="edit_progress"),
    path("avances/<int:entry>/retirar/", progress.withdraw_progress, name="withdraw_progress"),
    path("avances/por-validar/", review.progress_review, name="progress_review"),
    path("avances/<int:entry>/validar/", review.validate_progress, name="validate_progress"),
    path("avances/<int:entry>/devolver/", review.return_progress, name="return_progress"),
    path("planes/<int:plan>/roles/", roles.plan_roles, name="plan_roles"),
    path("roles/<int:assignment>/retirar/", roles.revoke_plan_role, name="revoke_plan_role"),
    path("hitos/<int:milestone>/reuniones/nueva/", schedule.new_meeting, name="new_meeting"),
    path("reuniones/<int:meeting>/", schedule.edit_meeting, name="edit_meeting"),
    path("reuniones/<int:meeting>/fecha/", schedule.reschedule_meeting, name="reschedule_meeting"),
    path("reuniones/<int:meeting>/cancelar/", schedule.cancel_meeting, name="cancel_meeting"),
    path("reuniones/<int:meeting>/resultado/", attendance.record_meeting, name="record_meeting"),
    path("reuniones/<int:meeting>/asistencia/", attendance.take_attendance, name="take_attendance"),
    path("asistencias/<int:attendance>/", attendance.correct_attendance, name="correct_attendance"),
    path("asistencias/<int:attendance>/quitar/", attendance.remove_attendance, name="remove_attendance"),
    path("hitos/<int:milestone>/hoja-de-firmas/", signin.attendance_sheet, name="attendance_sheet"),
    path(
        "hitos/<int:milestone>/hoja-de-firmas/<uuid:upload>/confirmar/",
        signin.attendance_sheet_confirm,
        name="attendance_sheet_confirm",
    ),
    path("personas/duplicados/", people.duplicates, name="duplicates"),
    path("personas/solicitudes/", affiliations.affiliations, name="affiliations"),
    path("solicitudes/<int:request_id>/confirmar/", affiliations.confirm, name="confirm_affiliation"),
    path("solicitudes/<int:request_id>/no-confirmar/", affiliations.refuse, name="refuse_affiliation"),
    path("reuniones/<int:meeting>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path("agenda/<int:item>/", meetings.edit_agenda_item, name="edit_agenda_item"),
    path("agenda/<int:item>/mover/", meetings.move_agenda_item, name="move_agenda_item"),
    path("agenda/<int:item>/quitar/", meetings.remove_agenda_item, name="remove_agenda_item"),
    path("reuniones/<int:meeting>/acta/", meetings.meeting_minutes, name="meeting_minutes"),
    path("reuniones/<int:meeting>/acuerdos/", meetings.meeting_agreements, name="meeting_agreements"),
    path("acuerdos/<int:agreement>/", meetings.edit_agreement, name="edit_agreement"),
    path("acuerdos/<int:agreement>/cumplido/", meetings.complete_agreement, name="complete_agreement"),
    path("acuerdos/<int:agreement>/reabrir/", meetings.reopen_agreement, name="reopen_agreement"),
    path("acuerdos/<int:agreement>/eliminar/", meetings.delete_agreement, name="delete_agreement"),
    path("personas/", people.people, name="people"),
    path("personas/<int:person>/", people.person, name="person"),
    path("personas/<int:person>/separar/", people.unmerge_person, name="unmerge_person"),
    path("personas/<int:person>/consentimientos/", people.record_consent, name="record_consent"),
    path("consentimientos/<int:consent>/retirar/", people.withdraw_consent, name="withdraw_consent"),
    path("personas/<int:person>/representaciones/", people.add_membership, name="add_membership"),
    path("representaciones/<int:membership>/", people.edit_membership, name="edit_membership"),
    path("representaciones/<int:membership>/terminar/", people.end_membership, name="end_membership"),
    path("hitos/<int:milestone>/importar/<str:kind>/", sheets.sheet_import, name="sheet_import"),
    path(
        "hitos/<int:milestone>/importar/<str:kind>/<uuid:upload>/confirmar/",
        sheets.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    path("hitos/<int:milestone>/plantilla/<str:kind>.xlsx", sheets.sheet_template, name="sheet_template"),
]
