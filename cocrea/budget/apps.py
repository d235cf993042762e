from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "cocrea.budget"
    label = "budget"
    verbose_name = _("Presupuesto")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; what each write touches on the public site
        from cocrea.budget import scopes  # noqa: F401
