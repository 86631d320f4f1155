from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qms.notifications import services
from qms.notifications.models import Notification, Outbox, PassRun


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "stage", "title", "rule", "period_key", "read_at"]
    list_filter = ["stage", "rule"]
    search_fields = ["title", "recipient__username", "recipient__first_name"]
    raw_id_fields = ["recipient", "run", "institution"]
    readonly_fields = ["batch", "object_key", "period_key", "rule", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the record that a reminder went out is what keeps it exactly-once


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    readonly_fields = ["notification", "claim_token", "claimed_at", "created_at", "sent_at"]
    actions = ["send_now"]

    @admin.action(description=_("立即发送待发送项"))
    def send_now(self, request: HttpRequest, queryset: QuerySet[Outbox]) -> None:
        queryset.filter(status=Outbox.Status.FAILED).update(status=Outbox.Status.PENDING, available_at=None)
        n = services.outbox_flush()
        messages.info(request, _("已发送 %(n)s 项。") % {"n": n})


@admin.register(PassRun)
class PassRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "today", "status", "found", "notified", "emailed", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in PassRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
