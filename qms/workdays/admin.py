"""The calendar admin: every save and delete goes through qms.workdays.services, which recomputes what moves."""
from django.contrib import admin, messages

from qms.workdays import services
from qms.workdays.models import CalendarDay, CalendarYear


def _report(request, moved) -> None:
    messages.info(request, f"已重新计算 {len(moved)} 个未完成期限及相关记录中的法定日期。")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        saved, moved = services.calendar_day_set(
            day=obj.date, is_workday=obj.is_workday, note=obj.note, actor=request.user, row=obj
        )
        obj.pk = saved.pk
        _report(request, moved)

    def delete_model(self, request, obj):
        _report(request, services.calendar_day_delete(row=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        moved = []
        for row in list(queryset):
            moved += services.calendar_day_delete(row=row, actor=request.user)
        _report(request, moved)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "complete", "source", "entered_at"]

    def save_model(self, request, obj, form, change):
        _report(request, services.calendar_year_save(row=obj, actor=request.user))

    def delete_model(self, request, obj):
        _report(request, services.calendar_year_delete(row=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        moved = []
        for row in list(queryset):
            moved += services.calendar_year_delete(row=row, actor=request.user)
        _report(request, moved)
