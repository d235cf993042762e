from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.catalogue.models import Application, Entry
from cocrea.core.versioning import VersionedAdminMixin


class ApplicationInline(admin.TabularInline):
    model = Application
    extra = 0
    raw_id_fields = ["paragraph"]
    readonly_fields = ["created_by"]


@admin.register(Entry)
class EntryAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["name", "kind", "issuer", "number", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["name", "number", "issuer"]
    inlines = [ApplicationInline]
