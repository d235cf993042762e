from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.core.versioning import VersionedAdminMixin
from cocrea.participation.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["position", "title", "kind", "number", "planned_month", "milestone"]
    list_filter = ["kind", "milestone"]
    search_fields = ["title"]
    list_select_related = ["milestone"]
