from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cocrea.accounts"
    label = "accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; these modules connect signals and registries
        from cocrea.accounts import rules, signals  # noqa: F401  (named permissions, the staff flag)
        from cocrea.core import content

        content.set_audience(rules.sees_as_the_public)  # who is served the public pages' kept blocks
