from django.contrib import admin

from cocrea.core.models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "size", "purpose", "owner", "created_at"]
    list_filter = ["kind", "purpose"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = [f.name for f in Upload._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
