from django.contrib import admin

from cocrea.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody changes or deletes an audit entry through the application."""

    list_display = ["timestamp", "actor_label", "source", "action", "content_type", "object_repr"]
    list_filter = ["action", "source", "content_type", "timestamp"]
    search_fields = ["object_repr", "actor_label", "object_id"]
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
