"""Where each row of a work plan came from (#12, section 1), and archiving instead of deleting.

Rows an import wrote carry the line of the document they came from; every other row (added in
the admin, on a screen, by a sample) has none. So the rows with a source line are marked as from
the document, the others stay ``staff``, which an import never removes. The organisations' roles
in a commitment are written only by the import (and, rarely, by an administrator): all are marked
as from the document, so that a later import lists one that the document dropped instead of
keeping it silently (and removes it only when the person confirms).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ORIGIN = models.CharField(
    choices=[("document", "Documento del plan"), ("staff", "Personal")],
    default="staff",
    editable=False,
    max_length=10,
    verbose_name="origen",
)


def archive_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="archived_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="archivado"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="archived_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="archivado por",
            ),
        ),
        migrations.AddField(model_name=model_name, name="origin", field=ORIGIN.clone()),
    ]


LINED = ("objective", "indicator", "activity", "strategy")


def mark_imported_rows(apps, schema_editor):
    for name in LINED:
        apps.get_model("plans", name).objects.exclude(source_line=None).update(origin="document")
    apps.get_model("plans", "commitmententity").objects.update(origin="document")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_rename_version_edit_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[operation for name in LINED for operation in archive_fields(name)],
        migrations.AddField(model_name="commitmententity", name="origin", field=ORIGIN.clone()),
        migrations.RunPython(mark_imported_rows, migrations.RunPython.noop),
    ]
