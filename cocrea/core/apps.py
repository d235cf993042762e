from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cocrea.core"
    label = "core"
    verbose_name = _("Núcleo")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; the page cache's write receivers
        from cocrea.core import pagecache

        pagecache.connect()
