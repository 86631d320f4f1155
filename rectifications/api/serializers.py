from __future__ import annotations

from rest_framework import serializers

from qms.api import DateField, ModelSerializer
from rectifications.models import Rectification


class RectificationSerializer(ModelSerializer):
    source = serializers.CharField(read_only=True)  # type: ignore[assignment]
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, allow_null=True, default=None)
    owner = serializers.CharField(source="owner.get_full_name", read_only=True, allow_null=True, default=None)
    repeat = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = [
            "id", "source", "source_label", "institution", "department", "problem", "requirement", "owner",
            "due_on", "status", "repeat", "repeat_of", "report_text", "reported_at", "verified_at",
            "verify_note", "reopen_count", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_repeat(self, obj: Rectification) -> bool:
        return obj.repeat_of_id is not None


class StepSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, required=False, default="", max_length=5000)
    due_on = DateField(required=False, allow_null=True, default=None)
