from django.contrib import admin

from qms.core.models import Deadline, Transition


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_status", "to_status", "actor", "institution"]
    list_filter = ["content_type", "to_status"]
    readonly_fields = [f.name for f in Transition._meta.fields]

    # The audit trail is append-only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["label", "rule", "institution", "authority", "due_on", "due_at", "confirmed", "done_at"]
    list_filter = ["rule", "confirmed", "done_at"]
    search_fields = ["label"]

    def has_delete_permission(self, request, obj=None):
        return False
