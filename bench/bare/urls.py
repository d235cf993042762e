from django.urls import path

from bench.bare import views

urlpatterns = [
    path("bytes/", views.twenty_bytes),
    path("rows/", views.fifty_rows),
]
