from django.contrib import admin, messages

from qms.core.services import deadlines_recompute_for_year
from qms.workdays.models import CalendarDay, CalendarYear


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_at"]

    def save_model(self, request, obj, form, change):  # noqa: ANN001
        super().save_model(request, obj, form, change)
        changed = deadlines_recompute_for_year(year=obj.year)
        messages.info(request, f"已重新计算 {len(changed)} 个未完成期限。")
