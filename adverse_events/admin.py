from django.contrib import admin

from adverse_events.models import (
    AdverseEvent,
    EventAnalysis,
    EventAttachment,
    EventType,
    ImprovementAction,
    SeverityClass,
    SeverityLevel,
)


@admin.register(SeverityClass)
class SeverityClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "report_within_hours", "phone_first", "analysis_required", "analysis_workdays"]
    list_editable = ["report_within_hours", "phone_first", "analysis_required", "analysis_workdays"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SeverityLevel)
class SeverityLevelAdmin(admin.ModelAdmin):
    """The level → class mapping (SPEC §4.1): hospitals differ on where E and F go."""

    list_display = ["code", "meaning", "severity_class"]
    list_editable = ["severity_class"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "is_active"]
    list_editable = ["name", "order", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Regulated records change only through the workflow services; the admin shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AdverseEvent)
class AdverseEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "institution", "department", "event_type", "severity_level", "severity_class", "status",
                    "reported_at", "is_late", "anonymous"]
    list_filter = ["status", "severity_class", "institution"]
    list_select_related = ["institution", "department", "event_type"]
    exclude = ["receipt_code"]


for model in (EventAnalysis, ImprovementAction, EventAttachment):
    admin.site.register(model, ReadOnlyAdmin)
