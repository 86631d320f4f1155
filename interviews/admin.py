"""Read-mostly admin: 约谈 records are regulated and never deleted (Art. 47 (五))."""
from django.contrib import admin

from interviews.models import HalfYearSummary, Interview, InterviewDocument, Participant, RectificationMeasure


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every change goes through the workflow's services


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False


@admin.register(Interview)
class InterviewAdmin(NoDelete):
    list_display = ("id", "institution", "organiser", "internal", "status", "trigger_date", "hold_by", "held_at")
    list_filter = ("status", "internal", "organiser")
    search_fields = ("institution__name", "problems")
    inlines = [ParticipantInline]


for model in (InterviewDocument, RectificationMeasure, HalfYearSummary):
    admin.site.register(model, NoDelete)
