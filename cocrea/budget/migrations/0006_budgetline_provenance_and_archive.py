"""Where each of the budget lines came from (#12, section 1): those with a line in the imported
document are from the document; the others (added by staff) stay ``staff``, which an import never
removes. And archiving instead of deleting one that has records hanging from it.
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


def mark_imported_rows(apps, schema_editor):
    apps.get_model("budget", "budgetline").objects.exclude(source_line=None).update(origin="document")


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0005_rename_version_edit_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *archive_fields("budgetline"),
        migrations.RunPython(mark_imported_rows, migrations.RunPython.noop),
    ]
