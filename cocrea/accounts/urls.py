from django.urls import path

from cocrea.accounts import views
from cocrea.drafts import views as drafts

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("nombre-publico/", views.public_name, name="public_name"),
    path("organizacion/", views.request_organization, name="request_organization"),
    path("organizacion/retirar/", views.withdraw_organization, name="withdraw_organization"),
    path("aportes/", drafts.my_contributions, name="contributions"),
    path("mis-datos.<str:fmt>", views.my_data, name="my_data"),
    path("eliminar/", views.delete_account, name="delete"),
    path("continuar/", views.continue_after_setup, name="continue"),
]
