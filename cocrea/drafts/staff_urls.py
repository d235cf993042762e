"""Staff screens for co-creation, mounted at /gestion/documentos/."""

from django.urls import path

from cocrea.drafts import staff_views as views

app_name = "drafts_staff"

urlpatterns = [
    path("hito/<int:milestone>/", views.milestone_documents, name="milestone"),
    path("hito/<int:milestone>/nuevo/", views.create_document, name="create_document"),
    path("hito/<int:milestone>/importar/", views.import_draft, name="import_draft"),
    path("hito/<int:milestone>/moderacion/", views.moderation, name="moderation"),
    path("moderacion/", views.moderation_overview, name="moderation_overview"),
    path("documento/<int:document>/nueva-version/", views.new_version, name="new_version"),
    path("version/<int:version>/", views.version_detail, name="version"),
    path("version/<int:version>/editar/", views.edit_version, name="edit_version"),
    path("version/<int:version>/estado/", views.transition, name="transition"),
    path("version/<int:version>/aportes/", views.contributions, name="contributions"),
    path("aporte/<int:contribution>/responder/", views.respond, name="respond"),
    path("aporte/<int:contribution>/ocultar/", views.hide, name="hide"),
    path("aporte/<int:contribution>/restaurar/", views.restore, name="restore"),
    path("aporte/<int:contribution>/descartar-reportes/", views.dismiss, name="dismiss"),
]
