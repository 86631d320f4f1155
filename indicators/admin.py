from django.contrib import admin
from django.http import HttpRequest

from indicators import services
from indicators.models import ImportBatch, Indicator, IndicatorRevision, IndicatorValue, MonthlyReport


class RevisionInline(admin.TabularInline):
    model = IndicatorRevision
    extra = 0
    can_delete = False
    readonly_fields = ["version", "changed_by", "changed_at", "reason", "definition"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction_label", "target_label", "source", "level", "version", "is_active"]
    list_filter = ["source", "level", "layer", "direction", "target_kind", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["version", "updated_at"]
    inlines = [RevisionInline]

    def save_model(self, request: HttpRequest, obj: Indicator, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            services.indicator_update(indicator=obj, actor=request.user, reason="新增")
            return
        # a definition change is a new version; stored values keep the one they were entered under
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
        fresh = Indicator.objects.get(pk=obj.pk)
        services.indicator_update(indicator=fresh, actor=request.user, reason="管理后台修改", **changes)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "institution", "department", "period", "numerator", "denominator", "rate",
                    "revision", "is_current", "source", "entered_by", "entered_at"]
    list_filter = ["is_current", "source", "institution"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "institution", "department", "entered_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["department", "institution", "period", "status", "due_on", "submitted_at", "late"]
    list_filter = ["status", "late", "institution"]
    list_select_related = ["department", "institution"]
    readonly_fields = [f.name for f in MonthlyReport._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["id", "institution", "filename", "status", "created_by", "created_at"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
