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
    path("hitos/<int:milestone>/importar/<str:kind>/", views.sheet_import, name="sheet_import"),
    path(
        "hitos/<int:milestone>/importar/<str:kind>/<uuid:upload>/confirmar/",
        views.sheet_import_confirm,
        name="sheet_import_confirm",
    ),
    path("hitos/<int:milestone>/plantilla/<str:kind>.xlsx", views.sheet_template, name="sheet_template"),
]
