from django.urls import path

from cocrea.participation import views

app_name = "participation"

urlpatterns = [
    path(
        "planes/<slug:plan>/compromisos/<str:number>/reuniones.ics",
        views.commitment_calendar,
        name="commitment_calendar",
    ),
    path("reuniones/<int:meeting>.ics", views.meeting_ics, name="meeting_ics"),
    path("reuniones/<int:meeting>/", views.meeting_page, name="meeting"),
    path("reuniones/<int:meeting>/inscripcion/", views.meeting_signup, name="signup"),
    path("reuniones/documentos/<int:document>/", views.meeting_document, name="document"),
]
