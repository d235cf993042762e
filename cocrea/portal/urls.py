from django.urls import path

from cocrea.portal import views
from cocrea.reports import views as reports_views

app_name = "portal"

milestone = "planes/<slug:plan>/compromisos/<str:number>/hitos/<str:milestone>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("planes/<slug:plan>/", views.action_plan, name="action_plan"),
    path("planes/<slug:plan>/compromisos/<str:number>/", views.commitment, name="commitment"),
    path(
        "planes/<slug:plan>/compromisos/<str:number>/participacion/",
        views.participation,
        name="participation",
    ),
    path(milestone, views.milestone, name="milestone"),
    path(f"{milestone}cronograma/", views.schedule, name="schedule"),
    path(f"{milestone}revision/", views.plan_check, name="plan_check"),
    path(f"{milestone}historial/", views.history, name="history"),
    path(f"{milestone}tablero/", views.dashboard, name="dashboard"),
    path(f"{milestone}tablero/informe.<str:fmt>", reports_views.report_download, name="progress_report"),
    path(f"{milestone}documento/", views.plan_document, name="plan_document"),
    path("evidencia/<int:evidence>/", views.evidence, name="evidence"),
]
