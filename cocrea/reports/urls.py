"""The reports' own routes (renderers are a shell: the domain apps never import them)."""

from django.urls import path

from cocrea.reports import views

app_name = "reports"

milestone = "planes/<slug:plan>/compromisos/<str:number>/hitos/<str:milestone>/"
version = f"{milestone}documentos/<slug:document>/v<int:version>/"

urlpatterns = [
    path(f"{version}respuestas.pdf", views.response_report_pdf, name="responses_pdf"),
]
