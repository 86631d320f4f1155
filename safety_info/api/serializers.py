from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qms.api import DateField, ModelSerializer
from safety_info.models import EventExport, SafetyRecord
from safety_info.workflow import AccidentGrade, Channel, Instance, Kind, Resolution, Responsibility

if TYPE_CHECKING:
    from adverse_events.models import AdverseEvent


class SafetyRecordSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    adverse_events: serializers.PrimaryKeyRelatedField[AdverseEvent] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    art45_ground1 = serializers.BooleanField(source="is_art45_ground1", read_only=True)

    class Meta:
        model = SafetyRecord
        fields = ["id", "reference", "institution", "department", "kind", "received_on", "summary", "status",
                  "record_number", "adverse_events", "channel", "reply_due_on", "claim_amount", "resolution",
                  "determined_by", "determined_on", "accident_grade", "responsibility", "court", "case_number",
                  "instance", "cause", "investigation", "handling", "outcome", "compensation", "hospital_paid",
                  "lessons", "closed_on", "art45_ground1", "interview", "created_at", "updated_at"]
        read_only_fields = fields


class SafetyRecordCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    kind = serializers.ChoiceField(choices=Kind.choices)
    received_on = DateField()
    department = serializers.CharField(max_length=32)
    summary = serializers.CharField(max_length=5000)
    record_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    adverse_events = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    reply_due_on = DateField(required=False)
    claim_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    resolution = serializers.ChoiceField(choices=Resolution.choices, required=False)
    determined_by = serializers.CharField(max_length=100, required=False)
    determined_on = DateField(required=False)
    accident_grade = serializers.ChoiceField(choices=AccidentGrade.choices, required=False)
    responsibility = serializers.ChoiceField(choices=Responsibility.choices, required=False)
    court = serializers.CharField(max_length=100, required=False)
    case_number = serializers.CharField(max_length=60, required=False)
    instance = serializers.ChoiceField(choices=Instance.choices, required=False)
    cause = serializers.CharField(max_length=100, required=False)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-11"})
class MonthField(serializers.DateField):
    """A month, written YYYY-MM (the first of the month is stored)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class EventExportSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    period = MonthField(read_only=True)

    class Meta:
        model = EventExport
        fields = ["id", "institution", "period", "format_version", "revision", "event_count", "new_count", "sha256",
                  "created_at"]
        read_only_fields = fields


class EventExportCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    period = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
