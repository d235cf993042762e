from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "cocrea.participation"
    label = "participation"
    verbose_name = _("Participación")

    def ready(self) -> None:
        # lazy: ready() runs once every model is loaded; these modules connect signals and registries
        from django.db.models.signals import post_delete, post_save

        from cocrea.participation.figures import bump_participation_version

        for name in ("Attendance", "Registration", "Person", "Consent", "Membership", "Meeting"):
            model = self.get_model(name)
            post_save.connect(
                bump_participation_version, sender=model, dispatch_uid=f"participation-version-{name}"
            )
            post_delete.connect(
                bump_participation_version, sender=model, dispatch_uid=f"participation-version-d-{name}"
            )
        # The participation summary behind indicator E, refreshed on every write (see summary.py).
        from cocrea.participation import summary

        summary.connect()
        # What each write touches on the public site (the page cache).
        from cocrea.participation import scopes  # noqa: F401
