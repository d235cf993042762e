from django.contrib import admin
from django.db import models
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.core.versioning import VersionedAdminMixin
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Baseline,
    Commitment,
    CommitmentEntity,
    Evidence,
    Indicator,
    Milestone,
    Objective,
    Organization,
    PlanDocument,
    ProgressEntry,
    Strategy,
)


class GovernedByServicesAdmin:
    """Read-only in the admin: objects written only through their services and workflow (progress
    reports, evidence, baselines, expenditures), which check the rule, the workflow and the reason
    and leave the trail. Administrators and auditors read them here; staff correct them on
    Cocrea's own screens (/gestion/)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Organization)
class OrganizationAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym"]


@admin.register(ActionPlan)
class ActionPlanAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["name", "start_year", "end_year", "country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CommitmentEntityInline(admin.TabularInline):
    model = CommitmentEntity
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Commitment)
class CommitmentAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["number", "title", "action_plan", "coordinator", "period_start", "period_end"]
    list_filter = ["action_plan"]
    search_fields = ["number", "title", "objective"]
    autocomplete_fields = ["coordinator"]
    inlines = [CommitmentEntityInline]
    list_select_related = ["action_plan", "coordinator"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["__str__", "commitment", "start_month", "end_month", "stated_budget_total"]
    list_filter = ["commitment__action_plan"]
    search_fields = ["title", "commitment__title"]
    inlines = [ObjectiveInline, IndicatorInline]
    list_select_related = ["commitment"]


@admin.register(Activity)
class ActivityAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["code", "letter", "title", "responsible_text", "planned_start", "planned_end"]
    list_filter = ["milestone__commitment__action_plan", "milestone", "responsible"]
    search_fields = ["title", "responsible_text", "date_text"]
    autocomplete_fields = ["responsible"]
    list_select_related = ["milestone"]


@admin.register(Strategy)
class StrategyAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["key", "text", "milestone"]
    list_filter = ["milestone", "partners"]
    search_fields = ["text"]
    autocomplete_fields = ["partners"]


@admin.register(Objective)
class ObjectiveAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["key", "kind", "text", "milestone"]
    list_filter = ["kind", "milestone"]
    search_fields = ["text"]


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["key", "definition", "milestone"]
    list_filter = ["milestone"]
    search_fields = ["definition"]


@admin.register(PlanDocument)
class PlanDocumentAdmin(ObjectPermissionsModelAdmin):
    list_display = ["filename", "milestone", "imported_at"]
    search_fields = ["filename"]
    readonly_fields = ["sha256", "imported_at"]


class EvidenceInline(GovernedByServicesAdmin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["title", "url", "upload"]
    readonly_fields = ["title", "url", "upload"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(GovernedByServicesAdmin, ObjectPermissionsModelAdmin):
    list_display = ["activity", "day", "percent_complete", "status", "recorded_by"]
    list_filter = ["status", "activity__milestone"]
    search_fields = ["note", "reason", "correction_reason", "activity__title"]
    date_hierarchy = "day"
    inlines = [EvidenceInline]
    list_select_related = ["activity", "recorded_by"]


@admin.register(Baseline)
class BaselineAdmin(GovernedByServicesAdmin, ObjectPermissionsModelAdmin):
    list_display = ["milestone", "number", "effective_from", "approved_at", "approved_by"]
    list_filter = ["milestone"]
