from django.contrib import admin
from django.db import models
from rules.contrib.admin import ObjectPermissionsModelAdmin

from cocrea.core.versioning import VersionedAdminMixin
from cocrea.participation.models import (
    AgendaItem,
    Agreement,
    Attendance,
    Consent,
    Meeting,
    MeetingDocument,
    Membership,
    Person,
    Registration,
)


class ServiceGoverned:
    """Read-only in the admin: these objects are written through the participation services, which
    check the rules, keep the calendar's revision, send the emails and write the audit trail; the
    staff screens under /gestion/ are where people change them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AgendaInline(ServiceGoverned, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title"]


class DocumentInline(ServiceGoverned, admin.TabularInline):
    model = MeetingDocument
    extra = 0
    fields = ["title", "upload", "created_at"]
    readonly_fields = ["created_at"]


class AgreementInline(ServiceGoverned, admin.TabularInline):
    model = Agreement
    extra = 0
    fields = ["text", "owner_organization", "owner_text", "due_date", "done_at"]


@admin.register(Meeting)
class MeetingAdmin(ServiceGoverned, ObjectPermissionsModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["position", "title", "kind", "number", "planned_month", "status", "milestone"]
    list_filter = ["kind", "status", "milestone"]
    search_fields = ["title"]
    list_select_related = ["milestone"]
    inlines = [AgendaInline, AgreementInline, DocumentInline]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["purpose", "text_version", "given_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["name", "display_name", "merged_into", "anonymised_at"]
    list_filter = ["anonymised_at", "sector"]
    search_fields = ["name", "display_name", "email"]
    readonly_fields = ["merged_into", "anonymised_at", "user"]
    inlines = [MembershipInline, ConsentInline]


@admin.register(Registration)
class RegistrationAdmin(ServiceGoverned, ObjectPermissionsModelAdmin):
    list_display = ["meeting", "person", "organization", "status", "created_at"]
    list_filter = ["status", "meeting__milestone"]


@admin.register(Attendance)
class AttendanceAdmin(ServiceGoverned, ObjectPermissionsModelAdmin):
    list_display = ["meeting", "person", "organization", "source"]
    list_filter = ["meeting__milestone", "source"]
    search_fields = ["person__name"]


@admin.register(Agreement)
class AgreementAdmin(ServiceGoverned, ObjectPermissionsModelAdmin):
    list_display = ["text", "meeting", "owner_organization", "due_date", "done_at"]
    list_filter = ["done_at", "meeting__milestone"]
    search_fields = ["text", "owner_text"]
