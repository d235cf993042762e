from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftsConfig(AppConfig):
    name = "cocrea.drafts"
    label = "drafts"
    verbose_name = _("Cocreación de documentos")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; these modules connect signals and registries
        from cocrea.drafts.participation import contribution_rows, person_contributions
        from cocrea.participation.figures import register_source
        from cocrea.participation.services import register_person_data

        # Indicator E counts the people and organisations who commented or proposed.
        register_source(contribution_rows, model=self.get_model("Contribution"))
        # "Mis datos" lists what the person wrote, with the answers.
        register_person_data("contributions", person_contributions)
        # What each write touches on the public site (the page cache).
        from cocrea.drafts import scopes  # noqa: F401
