from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.budget.models import BudgetLine
from cocrea.core.versioning import VersionedAdminMixin


@admin.register(BudgetLine)
class BudgetLineAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = [
        "number",
        "description",
        "quantity",
        "unit_cost",
        "periods",
        "stated_cost",
        "milestone",
    ]
    list_filter = ["milestone", "period_kind"]
    search_fields = ["description"]
    list_select_related = ["milestone"]
