from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "cocrea.plans"
    label = "plans"
    verbose_name = _("Planes de trabajo")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; what each write touches on the public site
        from cocrea.plans import scopes  # noqa: F401
