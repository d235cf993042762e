from django.urls import path

from cocrea.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.entries, name="entries"),
    path("<int:pk>/", views.entry, name="entry"),
]
