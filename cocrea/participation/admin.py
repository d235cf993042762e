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


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    raw_id_fields = ["upload"]


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0
    fields = ["text", "owner_organization", "owner_text", "due_date", "done_at"]
    autocomplete_fields = ["owner_organization"]


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["position", "title", "kind", "number", "planned_month", "status", "milestone"]
    list_filter = ["kind", "status", "milestone"]
    search_fields = ["title"]
    list_select_related = ["milestone"]
    inlines = [AgendaInline, AgreementInline, DocumentInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # A change of date, time, place or status reaches calendar subscribers as a new revision.
        if change and set(form.changed_data) & {
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "status",
            "actual_date",
        }:
            obj.sequence += 1
        super().save_model(request, obj, form, change)


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
class RegistrationAdmin(ObjectPermissionsModelAdmin):
    list_display = ["meeting", "person", "organization", "status", "created_at"]
    list_filter = ["status", "meeting__milestone"]
    raw_id_fields = ["meeting", "person"]
    autocomplete_fields = ["organization"]


@admin.register(Attendance)
class AttendanceAdmin(ObjectPermissionsModelAdmin):
    list_display = ["meeting", "person", "organization", "source"]
    list_filter = ["meeting__milestone", "source"]
    search_fields = ["person__name"]
    raw_id_fields = ["meeting", "person"]
    autocomplete_fields = ["organization"]


@admin.register(Agreement)
class AgreementAdmin(VersionedAdminMixin, ObjectPermissionsModelAdmin):
    list_display = ["text", "meeting", "owner_organization", "due_date", "done_at"]
    list_filter = ["done_at", "meeting__milestone"]
    search_fields = ["text", "owner_text"]
