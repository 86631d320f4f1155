from django.contrib import admin

from committees.models import ActionItem, Meeting, MeetingBody, MinutesVersion


class ReadOnlyRegulated(admin.ModelAdmin):
    """Meetings, minutes and action items change only through their services (and are never deleted)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingBody)
class MeetingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "kind", "chair", "quarterly_plenary", "quorum_percent", "is_active"]
    list_filter = ["institution", "kind"]
    readonly_fields = ["institution", "kind", "committee", "department", "chair", "members"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyRegulated):
    list_display = ["title", "institution", "starts_at", "status", "minutes_version"]
    list_filter = ["institution", "status"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyRegulated):
    list_display = ["title", "institution", "department", "owner", "due_on", "status"]
    list_filter = ["institution", "status"]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(ReadOnlyRegulated):
    list_display = ["meeting", "version", "approved_at", "checksum"]
