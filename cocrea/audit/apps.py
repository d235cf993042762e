from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "cocrea.audit"
    label = "audit"
    verbose_name = _("Historial de cambios")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; these modules connect signals and registries
        from cocrea.audit import signals

        signals.connect()
