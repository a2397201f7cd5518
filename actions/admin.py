from django.contrib import admin

from actions.models import Action, ActionUpdate, TargetDate


class TargetDateInline(admin.TabularInline):
    model = TargetDate
    extra = 0
    fields = ["target_on", "meeting", "recorded_at", "recorded_by"]
    readonly_fields = ["recorded_at", "recorded_by"]
    raw_id_fields = ["meeting"]


class ActionUpdateInline(admin.StackedInline):
    model = ActionUpdate
    extra = 0
    fields = ["given_on", "meeting", "text", "status_after", "author"]
    readonly_fields = ["author"]
    raw_id_fields = ["meeting"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["reference", "text", "owners", "raised_on", "status", "closed_on"]
    list_filter = ["committee", "status"]
    search_fields = ["reference", "text", "updates__text"]
    date_hierarchy = "raised_on"
    readonly_fields = ["reference", "committee", "meeting"]
    fields = [
        "reference",
        "committee",
        "meeting",
        "item",
        "text",
        "owner_organisations",
        "owner_people",
        "raised_on",
        "status",
        "closed_on",
    ]
    raw_id_fields = ["item"]
    filter_horizontal = ["owner_organisations", "owner_people"]
    inlines = [TargetDateInline, ActionUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("owner_organisations", "owner_people")

    @admin.display(description="Owner")
    def owners(self, action):
        return action.owner_names

    def has_add_permission(self, request):
        # New actions need a reference from their meeting's counter: they are
        # raised from the meeting's minutes, not typed here.
        return False
