from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adverse_events.models import (
    LEVELS,
    AdverseEvent,
    EventAnalysis,
    EventType,
    ImprovementAction,
    SafetyGrade,
)
from qms.api import DateField, DateTimeField, ModelSerializer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LEVEL_ERRORS: dict[str, StrOrPromise] = {"invalid_choice": _("伤害级别“{input}”不存在，请选择 A–I 级。")}


class EventTypeSerializer(ModelSerializer):
    class Meta:
        model = EventType
        fields = ["code", "name"]


class AdverseEventCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(required=False, help_text="医疗机构代码；只属于一家医院的账号可省略")
    department = serializers.CharField(max_length=32)
    occurred_at = DateTimeField()
    discovered_at = DateTimeField()
    event_type = serializers.CharField(max_length=32)
    severity_level = serializers.ChoiceField(choices=LEVELS, error_messages=LEVEL_ERRORS)
    description = serializers.CharField()
    immediate_actions = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    patient_age = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=130,
        error_messages={"min_value": _("患者年龄应在 0–130 岁之间。"), "max_value": _("患者年龄应在 0–130 岁之间。")},
    )
    patient_sex = serializers.ChoiceField(choices=AdverseEvent.Sex.choices, required=False, allow_blank=True,
                                          default="")
    patient_record_no = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    anonymous = serializers.BooleanField(required=False, default=False)


class AdverseEventCreatedSerializer(ModelSerializer):
    interview_triggered = serializers.SerializerMethodField()

    class Meta:
        model = AdverseEvent
        fields = ["id", "receipt_code", "severity_class", "status", "reported_at", "interview_triggered", "is_late"]

    def get_interview_triggered(self, obj: AdverseEvent) -> bool:
        known = getattr(obj, "interview_triggered", None)  # set by adverse_event_report
        return obj.interviews.exists() if known is None else known


class AdverseEventSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    event_type = serializers.CharField(source="event_type.code")
    event_type_name = serializers.CharField(source="event_type.name")
    reporter = serializers.SerializerMethodField()
    interview_triggered = serializers.SerializerMethodField()

    class Meta:
        model = AdverseEvent
        fields = [
            "id", "number", "institution", "department", "department_name", "place", "occurred_at", "discovered_at",
            "reported_at", "event_type", "event_type_name", "reported_level", "severity_level", "severity_class",
            "status", "anonymous", "reporter", "is_late", "report_due_at", "description", "immediate_actions",
            "patient_age", "patient_sex", "safety_grade", "authority_report_due_at", "authority_reported_at",
            "feedback", "feedback_at", "interview_triggered", "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reporter(self, obj: AdverseEvent) -> str | None:
        # An anonymous event carries no reporter (API.md); a named one shows the user name to those who manage.
        if obj.anonymous or obj.reporter_id is None:
            return None
        viewer = self.context["request"].user
        from adverse_events.permissions import can_manage

        if obj.reporter_id == viewer.pk or can_manage(viewer, obj):
            return obj.reporter.username if obj.reporter is not None else None
        return None

    def get_interview_triggered(self, obj: AdverseEvent) -> bool:
        return bool(getattr(obj, "has_interview", False))


class EventClassifySerializer(serializers.Serializer):
    severity_level = serializers.ChoiceField(choices=LEVELS, error_messages=LEVEL_ERRORS)
    event_type = serializers.CharField(required=False)
    safety_grade = serializers.ChoiceField(choices=SafetyGrade.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class EventAnalyseSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=EventAnalysis.Method.choices)
    contributing_factors = serializers.CharField()
    root_causes = serializers.CharField()
    conclusion = serializers.CharField(required=False, allow_blank=True, default="")


class EventNoteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class EventFeedbackSerializer(serializers.Serializer):
    feedback = serializers.CharField()


class EventReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class EventAuthorityReportSerializer(serializers.Serializer):
    reported_at = DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EventActionCreateSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner_department = serializers.CharField(help_text="责任科室代码")
    owner = serializers.CharField(help_text="责任人用户名")
    due_on = DateField()


class EventActionSerializer(ModelSerializer):
    owner_department = serializers.CharField(source="owner_department.code")
    owner = serializers.CharField(source="owner.username")

    class Meta:
        model = ImprovementAction
        fields = ["id", "event", "description", "owner_department", "owner", "due_on", "status", "completion_note",
                  "verification", "verified_at", "updated_at"]


class EventActionProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EventActionVerifySerializer(serializers.Serializer):
    verification = serializers.CharField()


class EventAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
