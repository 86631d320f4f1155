from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from inspections.models import (
    Checklist,
    ChecklistItem,
    CoreSystem,
    Defect,
    Inspection,
    InspectionResult,
    Kind,
    RecordReview,
    ReviewKind,
    Tier,
)
from qms.api import DateField, ModelSerializer


class CoreSystemSerializer(ModelSerializer):
    class Meta:
        model = CoreSystem
        fields = ["code", "name"]


class ItemSerializer(ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["code", "text", "points", "rule"]


class ChecklistSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    core_system = serializers.CharField(source="core_system.code", read_only=True, allow_null=True, default=None)
    version = serializers.IntegerField(source="current.number", read_only=True)
    total_points = serializers.DecimalField(source="current.total_points", max_digits=6, decimal_places=1, read_only=True, coerce_to_string=False)
    items = ItemSerializer(source="current.items", many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "institution", "code", "name", "area", "core_system", "for_records", "version",
                  "total_points", "items", "updated_at"]
        read_only_fields = fields


class ItemInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    text = serializers.CharField(max_length=2000)
    points = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.1"))
    rule = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ChecklistCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32, required=False, help_text="hospital code; default: the caller's hospital")
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    core_system = serializers.CharField(max_length=8, required=False, allow_blank=True, allow_null=True, default=None,
                                        help_text="core-system code (CS01–CS18) or name")
    area = serializers.CharField(max_length=12, required=False, allow_blank=True, default="",
                                 help_text="core_system, infection, nursing, pharmacy, records, other")
    for_records = serializers.BooleanField(required=False, default=False)
    items = ItemInSerializer(many=True, allow_empty=False)


class ResultSerializer(ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    rectification = serializers.IntegerField(source="rectification_id", read_only=True, allow_null=True)

    class Meta:
        model = InspectionResult
        fields = ["item", "deducted", "finding", "cases", "repeat", "rectification"]
        read_only_fields = fields


class InspectionSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, allow_null=True, default=None)
    checklist = serializers.CharField(source="checklist.code", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True, coerce_to_string=False)
    total_points = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True, coerce_to_string=False)
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "institution", "department", "checklist", "version", "kind", "tier", "inspected_on",
                  "status", "total_points", "score", "due_on", "completed_at", "results", "updated_at"]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    department = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True, default=None)
    checklist = serializers.CharField(max_length=32, help_text="checklist code (or id)")
    kind = serializers.ChoiceField(choices=Kind.choices)
    tier = serializers.ChoiceField(choices=Tier.choices)
    inspected_on = DateField()


class ResultInSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=32)
    deducted = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)
    finding = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    cases = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list, max_length=200)


class CompleteSerializer(serializers.Serializer):
    due_on = DateField(required=False, allow_null=True, default=None, help_text="the rectification deadline")
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RecordReviewSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    physician = serializers.CharField(source="physician.code", read_only=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True, coerce_to_string=False)
    rectification = serializers.IntegerField(source="rectification_id", read_only=True, allow_null=True)

    class Meta:
        model = RecordReview
        fields = ["id", "institution", "department", "kind", "record_number", "physician", "discharged_on",
                  "reviewed_on", "score", "grade", "defects", "rectification", "updated_at"]
        read_only_fields = fields


class DeductionInSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=32)
    deducted = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    finding = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RecordReviewCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    department = serializers.CharField(max_length=32)
    record_number = serializers.CharField(max_length=40)
    physician = serializers.CharField(max_length=32, help_text="staff code (工号)")
    discharged_on = DateField(required=False, allow_null=True, default=None)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=ReviewKind.choices, required=False, default=ReviewKind.FINAL)
    deductions = DeductionInSerializer(many=True, required=False, default=list)
    defects = serializers.ListField(child=serializers.ChoiceField(choices=Defect.choices), required=False, default=list)
    reviewed_on = DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        if attrs.get("score") is None and not attrs.get("deductions"):
            raise serializers.ValidationError({"score": ["请填写得分（0–100），或按评价表逐项扣分。"]})
        return attrs
