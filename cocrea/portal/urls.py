from django.urls import path

from cocrea.participation import views as participation
from cocrea.plans import tracker_views
from cocrea.plans import views as plans
from cocrea.portal import views
from cocrea.reports import views as reports_views

app_name = "portal"

milestone = "planes/<slug:plan>/compromisos/<str:number>/hitos/<str:milestone>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("planes/<slug:plan>/", plans.action_plan, name="action_plan"),
    path("planes/<slug:plan>/seguimiento/", tracker_views.tracker, name="tracker"),
    path(
        "planes/<slug:plan>/seguimiento/seguimiento.<str:fmt>",
        tracker_views.tracker_download,
        name="tracker_download",
    ),
    path("planes/<slug:plan>/compromisos/<str:number>/", plans.commitment, name="commitment"),
    path(
        "planes/<slug:plan>/compromisos/<str:number>/participacion/",
        participation.participation,
        name="participation",
    ),
    path(milestone, plans.milestone, name="milestone"),
    path(f"{milestone}cronograma/", plans.schedule, name="schedule"),
    path(f"{milestone}revision/", plans.plan_check, name="plan_check"),
    path(f"{milestone}historial/", plans.history, name="history"),
    path(f"{milestone}tablero/", plans.dashboard, name="dashboard"),
    path(f"{milestone}tablero/informe.<str:fmt>", reports_views.report_download, name="progress_report"),
    path(f"{milestone}documento/", plans.plan_document, name="plan_document"),
    path("evidencia/<int:evidence>/", plans.evidence, name="evidence"),
]
