from django.contrib import admin

from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    Meeting,
    Membership,
    Organisation,
    Person,
    SeatCategory,
    StandardAgendaItem,
)


class PublishedReadOnly:
    """Published minutes are read-only here too (the models and the database refuse changes)."""

    def _is_published(self, obj):
        if obj is None:
            return False
        meeting = obj if isinstance(obj, Meeting) else getattr(obj, "meeting", None)
        return meeting is not None and meeting.is_published

    def has_change_permission(self, request, obj=None):
        return not self._is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_published(obj) and super().has_delete_permission(request, obj)


class SeatCategoryInline(admin.TabularInline):
    model = SeatCategory
    extra = 0
    fields = ["position", "name"]


class StandardAgendaItemInline(admin.TabularInline):
    model = StandardAgendaItem
    extra = 0
    fields = ["position", "title", "kind"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "decision_name"]
    search_fields = ["code", "name"]
    inlines = [SeatCategoryInline, StandardAgendaItemInline, MembershipInline]


@admin.register(SeatCategory)
class SeatCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "position"]
    list_filter = ["committee"]
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name"]
    search_fields = ["name", "full_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "email", "organisation__name", "user__username"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "committee", "role"]
    list_filter = ["committee", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "committee"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["person", "seat_category", "status", "role_note", "position"]
    autocomplete_fields = ["person"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["parent", "position", "kind", "title", "is_deferred"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(PublishedReadOnly, admin.ModelAdmin):
    list_display = ["reference", "committee", "number", "kind", "held_on", "minutes_status"]
    list_filter = ["committee", "kind", "minutes_status"]
    search_fields = ["committee__code", "location"]
    date_hierarchy = "held_on"
    list_select_related = ["committee"]
    inlines = [AttendanceInline, AgendaItemInline]

    @admin.display(ordering="number")
    def reference(self, meeting):
        return meeting.reference


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["position", "verb", "text", "approves_minutes_of"]


class FootnoteInline(admin.TabularInline):
    model = Footnote
    extra = 0
    fields = ["position", "anchor_text", "text"]


@admin.register(AgendaItem)
class AgendaItemAdmin(PublishedReadOnly, admin.ModelAdmin):
    list_display = ["title", "meeting", "parent", "position", "kind", "is_deferred"]
    list_filter = ["meeting__committee", "kind", "is_deferred"]
    search_fields = ["title", "minutes_text"]
    list_select_related = ["meeting__committee", "parent"]
    raw_id_fields = ["meeting", "parent"]
    inlines = [DecisionInline, FootnoteInline]


@admin.register(Attendance)
class AttendanceAdmin(PublishedReadOnly, admin.ModelAdmin):
    list_display = ["person", "meeting", "seat_category", "status", "role_note"]
    list_filter = ["meeting__committee", "status", "seat_category"]
    search_fields = ["person__name"]
    list_select_related = ["person", "meeting__committee", "seat_category"]
    autocomplete_fields = ["person"]
