"""Staff screens for the catalogue, mounted at /gestion/catalogo/."""

from django.urls import path

from cocrea.catalogue import staff_views as views

app_name = "catalogue_staff"

urlpatterns = [
    path("", views.entries, name="entries"),
    path("nueva/", views.create_entry, name="create_entry"),
    path("<int:entry>/", views.edit_entry, name="edit_entry"),
    path("parrafos/<int:paragraph>/aplicar/", views.apply, name="apply"),
    path("aplicaciones/<int:application>/quitar/", views.remove, name="remove_application"),
]
