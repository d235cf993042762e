from django.urls import path

from cocrea.staff import views

app_name = "staff"

urlpatterns = [
    path("importar-plan/", views.import_plan, name="import_plan"),
    path("importar-plan/<uuid:upload>/confirmar/", views.import_plan_confirm, name="import_plan_confirm"),
    path("archivos/<uuid:upload>/", views.download_upload, name="download_upload"),
    path("hitos/<int:milestone>/", views.milestone_execution, name="milestone"),
    path("hitos/<int:milestone>/linea-base/", views.approve_milestone_baseline, name="approve_baseline"),
    path("actividades/<int:activity>/avance/", views.record_activity_progress, name="record_progress"),
    path("lineas/<int:line>/gasto/", views.record_line_expenditure, name="record_expenditure"),
    path("reuniones/<int:meeting>/resultado/", views.record_meeting, name="record_meeting"),
    path("reuniones/<int:meeting>/asistencia/", views.take_attendance, name="take_attendance"),
    path("personas/duplicados/", views.duplicates, name="duplicates"),
    path("reuniones/<int:meeting>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("agenda/<int:item>/", views.edit_agenda_item, name="edit_agenda_item"),
    path("agenda/<int:item>/mover/", views.move_agenda_item, name="move_agenda_item"),
    path("agenda/<int:item>/quitar/", views.remove_agenda_item, name="remove_agenda_item"),
    path("reuniones/<int:meeting>/acta/", views.meeting_minutes, name="meeting_minutes"),
    path("reuniones/<int:meeting>/acuerdos/", views.meeting_agreements, name="meeting_agreements"),
    path("acuerdos/<int:agreement>/", views.edit_agreement, name="edit_agreement"),
    path("acuerdos/<int:agreement>/cumplido/", views.complete_agreement, name="complete_agreement"),
    path("acuerdos/<int:agreement>/reabrir/", views.reopen_agreement, name="reopen_agreement"),
    path("acuerdos/<int:agreement>/eliminar/", views.delete_agreement, name="delete_agreement"),
    path("personas/", views.people, name="people"),
    path("personas/<int:person>/", views.person, name="person"),
    path("personas/<int:person>/separar/", views.unmerge_person, name="unmerge_person"),
    path("personas/<int:person>/consentimientos/", views.record_consent, name="record_consent"),
    path("consentimientos/<int:consent>/retirar/", views.withdraw_consent, name="withdraw_consent"),
    path("personas/<int:person>/representaciones/", views.add_membership, name="add_membership"),
    path("representaciones/<int:membership>/", views.edit_membership, name="edit_membership"),
    path("representaciones/<int:membership>/terminar/", views.end_membership, name="end_membership"),
    path("hitos/<int:milestone>/importar/<str:kind>/", views.sheet_import, name="sheet_import"),
    path(
        "hitos/<int:milestone>/importar/<str:kind>/<uuid:upload>/confirmar/",
        views.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    path("hitos/<int:milestone>/plantilla/<str:kind>.xlsx", views.sheet_template, name="sheet_template"),
]
