from django.urls import path

from cocrea.drafts import views

app_name = "drafts"

milestone = "planes/<slug:plan>/compromisos/<str:number>/hitos/<str:milestone>/documentos/"
document = f"{milestone}<slug:document>/"
version = f"{document}v<int:version>/"

urlpatterns = [
    path(milestone, views.documents, name="documents"),
    path(document, views.document, name="document"),
    path(f"{document}seguir/", views.follow, name="follow"),
    path(f"{document}comparar/", views.compare, name="compare"),
    path(version, views.version, name="version"),
    path(f"{version}aportar/", views.submit, name="contribute"),
    path(f"{version}parrafos/<uuid:key>/", views.paragraph, name="paragraph"),
    path(f"{version}respuestas/", views.response_report, name="report"),
    path("aportes/<int:contribution>/reportar/", views.report, name="report_abuse"),
]
