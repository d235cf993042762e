"""Staff screens for co-creation, mounted at /gestion/documentos/."""

from django.urls import path

from cocrea.drafts.staff import confirmations, contributions, documents, moderation, versions

app_name = "drafts_staff"

urlpatterns = [
    path("hito/<int:milestone>/", documents.milestone_documents, name="milestone"),
    path("hito/<int:milestone>/nuevo/", documents.create_document, name="create_document"),
    path("hito/<int:milestone>/importar/", documents.import_draft, name="import_draft"),
    path("hito/<int:milestone>/moderacion/", moderation.moderation, name="moderation"),
    path("moderacion/", moderation.moderation_overview, name="moderation_overview"),
    path("documento/<int:document>/nueva-version/", versions.new_version, name="new_version"),
    path("version/<int:version>/", versions.version_detail, name="version"),
    path("version/<int:version>/editar/", versions.edit_version, name="edit_version"),
    path("version/<int:version>/estado/", versions.transition, name="transition"),
    path("version/<int:version>/aprobar/", confirmations.approve_version, name="approve"),
    path("version/<int:version>/cerrar/", confirmations.close_consultation, name="close"),
    path("version/<int:version>/aportes/", contributions.contributions, name="contributions"),
    path("aporte/<int:contribution>/responder/", contributions.respond, name="respond"),
    path("aporte/<int:contribution>/ocultar/", moderation.hide, name="hide"),
    path("aporte/<int:contribution>/restaurar/", moderation.restore, name="restore"),
    path("aporte/<int:contribution>/descartar-reportes/", moderation.dismiss, name="dismiss"),
]
