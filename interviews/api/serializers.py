from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interviews.models import Interview, InterviewDocument, Participant, RectificationMeasure
from interviews.selectors import next_due, next_due_confirmed
from interviews.workflow import Ground, ProblemScale
from qms.api import DateField, DateTimeField, ModelSerializer

if TYPE_CHECKING:
    from organizations.models import Authority, Department, Institution


class ParticipantSerializer(ModelSerializer):
    class Meta:
        model = Participant
        fields = ["side", "name", "title", "is_lead"]


class MeasureSerializer(ModelSerializer):
    department: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RectificationMeasure
        fields = ["measure", "department", "department_name", "responsible", "deadline"]


class DocumentSerializer(ModelSerializer):
    class Meta:
        model = InterviewDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "checksum", "uploaded_at"]


class InterviewSerializer(ModelSerializer):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organiser: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, label=_("组织约谈的卫生健康行政部门"))  # none for a hospital's internal interview
    overdue = serializers.SerializerMethodField()
    next_due = serializers.SerializerMethodField()
    next_due_label = serializers.SerializerMethodField()
    next_due_confirmed = serializers.SerializerMethodField()
    form_signed = serializers.BooleanField(source="record_form_signed", read_only=True,
                                           help_text="Art. 47 (五): as recorded; never assumed")
    form_unsigned_reason = serializers.CharField(source="record_form_unsigned_reason", read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id", "reference", "institution", "organiser", "internal", "trigger_ground", "trigger_date", "problems",
            "status", "trigger_basis", "hold_by", "hold_by_confirmed", "approved_at", "approved_on", "notified_on",
            "earliest_hold_on",
            "earliest_hold_on_confirmed", "scheduled_at", "location", "notice_content", "held_at", "problem_scale",
            "rectification_deadline", "rectification_deadline_limit", "rectification_report_due",
            "rectification_report_due_confirmed", "upward_report_due", "upward_report_due_confirmed",
            "upward_reported_on", "report_submitted_at", "report_submitted_on", "verification", "press_count",
            "serious_consequences", "circulated_on", "filed_on", "cancel_reason", "form_signed", "form_unsigned_reason",
            "reconcile_required", "reconcile_note", "reconcile_decision", "reconcile_reason", "overdue", "next_due",
            "next_due_label", "next_due_confirmed", "created_at", "updated_at",
        ]

    def get_overdue(self, obj: Interview) -> list[str]:
        return obj.overdue_reasons()

    def get_next_due(self, obj: Interview) -> str | None:
        d = next_due(obj)[1]
        return d.isoformat() if d else None

    def get_next_due_label(self, obj: Interview) -> str:
        return next_due(obj)[0]

    def get_next_due_confirmed(self, obj: Interview) -> bool:
        return next_due_confirmed(obj)


class InterviewDetailSerializer(InterviewSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(InterviewSerializer.Meta):
        fields = InterviewSerializer.Meta.fields + [
            "investigation_experts", "investigation_findings", "cause_analysis", "improvement_proposals",
            "record", "record_introductions", "record_reasons", "record_explanation", "record_requirements",
            "report_text", "verification_note", "conclusion", "remarks", "participants", "measures", "documents",
        ]


class InterviewCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    trigger_ground = serializers.ChoiceField(choices=Ground.choices)
    trigger_date = DateField()
    problems = serializers.CharField(max_length=5000)
    adverse_events = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    internal = serializers.BooleanField(required=False, default=False)
    department = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate_trigger_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("启动日期不能晚于今天。")
        return value


class ApproveSerializer(serializers.Serializer):
    approved_on = DateField(required=False, allow_null=True, default=None,
                                        help_text="default today; not before trigger_date, not after today (Art. 46)")


class ReconcileSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["keep", "cancel"])
    reason = serializers.CharField(max_length=2000)


class NotifySerializer(serializers.Serializer):
    notified_on = DateField()
    scheduled_at = DateTimeField()
    location = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=5000)


class InterviewerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_head = serializers.BooleanField(required=False, default=False)


class IntervieweeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_principal = serializers.BooleanField(required=False, default=False)


class HoldSerializer(serializers.Serializer):
    held_at = DateTimeField()
    interviewers = InterviewerSerializer(many=True)
    interviewees = IntervieweeSerializer(many=True)
    record = serializers.CharField(max_length=20000)
    problem_scale = serializers.ChoiceField(choices=ProblemScale.choices)
    rectification_deadline = DateField()
    record_introductions = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    record_reasons = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    record_explanation = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    record_requirements = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    form_signed = serializers.BooleanField(required=False, default=False, help_text="Art. 47 (五): signed by the interviewee")
    form_unsigned_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InvestigateSerializer(serializers.Serializer):
    experts = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    findings = serializers.CharField(max_length=10000)
    cause_analysis = serializers.CharField(max_length=10000)
    proposals = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    investigated_on = DateField(required=False)


class MeasureInputSerializer(serializers.Serializer):
    measure = serializers.CharField(max_length=2000)
    department = serializers.CharField(max_length=32, required=False, allow_blank=True)
    department_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    responsible = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    deadline = DateField()


class PlanSerializer(serializers.Serializer):
    measures = MeasureInputSerializer(many=True, allow_empty=False)


class ReportSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=50000, required=False, allow_blank=True, default="")
    submitted_on = DateField(required=False, allow_null=True, default=None,
                                         help_text="the day the report reached the authority (Art. 50), default today")


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    conclusion = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    new_deadline = DateField()


class UpwardSerializer(serializers.Serializer):
    reported_on = DateField()


class CirculateSerializer(serializers.Serializer):
    circulated_on = DateField()
    text = serializers.CharField(max_length=10000)
    filed_on = DateField(required=False, allow_null=True, default=None)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InterviewDocument.Kind.choices)
    file = serializers.FileField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
