from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "cocrea.catalogue"
    label = "catalogue"
    verbose_name = _("Catálogo")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; these modules connect signals and registries
        from cocrea.catalogue.services import carry_applications
        from cocrea.drafts.services import paragraphs_carried

        paragraphs_carried.connect(carry_applications, dispatch_uid="catalogue-carry-applications")
        # What each write touches on the public site (the page cache).
        from cocrea.catalogue import scopes  # noqa: F401
