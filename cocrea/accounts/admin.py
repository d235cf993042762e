from django.contrib import admin

from cocrea.accounts.models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "role",
        "action_plan",
        "organization",
        "commitment",
        "milestone",
        "granted_at",
        "granted_by",
    ]
    list_filter = ["role"]
    search_fields = ["user__email", "user__username"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user", "action_plan", "commitment", "milestone", "granted_by"]
