from django.urls import path

from cocrea.staff import views

app_name = "staff"

urlpatterns = [
    path("importar-plan/", views.import_plan, name="import_plan"),
    path("importar-plan/<uuid:upload>/confirmar/", views.import_plan_confirm, name="import_plan_confirm"),
    path("archivos/<uuid:upload>/", views.download_upload, name="download_upload"),
]
