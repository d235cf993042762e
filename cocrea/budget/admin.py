from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.core.versioning import VersionedAdminMixin
from cocrea.plans.admin import GovernedByServicesAdmin


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


@admin.register(Expenditure)
class ExpenditureAdmin(GovernedByServicesAdmin, ObjectPermissionsModelAdmin):
    list_display = ["day", "budget_line", "amount", "description", "reference", "annulled_at"]
    list_filter = ["budget_line__milestone", "budget_line", ("annulled_at", admin.EmptyFieldListFilter)]
    search_fields = ["description", "reference", "correction_reason", "annulment_reason"]
    date_hierarchy = "day"
    list_select_related = ["budget_line"]
