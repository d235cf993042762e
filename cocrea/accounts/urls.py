from django.urls import path

from cocrea.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("mis-datos.<str:fmt>", views.my_data, name="my_data"),
    path("eliminar/", views.delete_account, name="delete"),
    path("continuar/", views.continue_after_setup, name="continue"),
]
