"""Admin for co-creation. Text is written through the staff editor and the importer (which keep
paragraph identities); here staff read, moderate and correct single records."""

from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.core.versioning import VersionedAdminMixin
from cocrea.drafts.models import AbuseReport, Contribution, Document, DocumentVersion, Follow, Response


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "label", "state", "opens_at", "closes_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Document)
class DocumentAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["title", "kind", "milestone"]
    list_filter = ["kind"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["document", "number", "label", "state", "opens_at", "closes_at"]
    list_filter = ["state"]
    readonly_fields = ["document", "number", "state", "markdown", "closed_at", "approved_at", "created_by"]
    fields = ["document", "number", "label", "state", "opens_at", "closes_at", "notes", "markdown"]


class ReportInline(admin.TabularInline):
    model = AbuseReport
    extra = 0
    readonly_fields = ["reporter", "reason", "created_at", "resolved_at"]


@admin.register(Contribution)
class ContributionAdmin(ObjectPermissionsModelAdmin):
    list_display = ["pk", "kind", "version", "person", "organization", "created_at", "hidden_at"]
    list_filter = ["kind", "hidden_at"]
    raw_id_fields = ["version", "section", "paragraph", "parent", "person", "organization"]
    readonly_fields = ["created_at", "hidden_by"]
    inlines = [ReportInline]


@admin.register(Response)
class ResponseAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["contribution", "decision", "responded_at"]
    list_filter = ["decision"]
    raw_id_fields = ["contribution", "resulting_paragraphs"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["document", "user", "created_at"]
    raw_id_fields = ["user"]
