from __future__ import annotations

from rest_framework import serializers

from credentialing.models import EmergencyUse, Privilege, PrivilegeItem, PrivilegeReview
from credentialing.workflow import ReviewOutcome
from qms.api import DateField, DateTimeField, ModelSerializer


class PrivilegeItemSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)

    class Meta:
        model = PrivilegeItem
        fields = [
            "code", "name", "category", "min_title", "max_validity_months", "institution", "surgery_grade",
            "min_years_in_title", "requires_training", "min_prior_volume", "other_conditions", "approval_chain",
            "basis", "is_policy", "emergency_completion_hours", "is_restricted", "filing_record", "is_new",
            "demonstrated_on", "sop_reference", "ethics_approved_on", "status", "status_reason", "last_assessed_on",
            "is_active", "updated_at",
        ]
        read_only_fields = fields


class PrivilegeSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    staff = serializers.CharField(source="staff.code", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    department = serializers.CharField(source="staff.department.code", read_only=True, allow_null=True, default=None)
    item = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    current_step = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Privilege
        fields = [
            "id", "institution", "staff", "staff_name", "department", "item", "item_name", "status", "valid_from",
            "valid_until", "basis", "restriction", "chain", "current_step", "status_reason", "status_changed_at",
            "review_due_on", "last_reviewed_on", "granted_at", "created_at", "updated_at",
        ]
        read_only_fields = fields


class PrivilegeCreateSerializer(serializers.Serializer):
    staff = serializers.CharField(max_length=32, help_text="工号")
    item = serializers.CharField(max_length=40, help_text="授权项目编码")
    valid_from = DateField()
    valid_until = DateField()
    basis = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    institution = serializers.CharField(max_length=32, required=False, help_text="医疗机构编码（只属于一家医院的账号可省略）")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CheckQuerySerializer(serializers.Serializer):
    staff = serializers.CharField(max_length=32, help_text="工号")
    item = serializers.CharField(max_length=40, help_text="授权项目编码")
    at = DateTimeField(required=False, help_text="时刻，默认现在")
    institution = serializers.CharField(max_length=32, required=False)


class CheckAnswerSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    privilege = serializers.IntegerField(allow_null=True)
    valid_until = DateField(allow_null=True)


class EmergencyUseCreateSerializer(serializers.Serializer):
    staff = serializers.CharField(max_length=32)
    item = serializers.CharField(max_length=40)
    used_at = DateTimeField()
    reason = serializers.CharField(max_length=5000)
    confirmed_by = serializers.CharField(max_length=32, help_text="确认人工号")
    record_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    institution = serializers.CharField(max_length=32, required=False)


class EmergencyUseSerializer(ModelSerializer):
    staff = serializers.CharField(source="staff.code", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    confirmed_by = serializers.CharField(source="confirmed_by.code", read_only=True)

    class Meta:
        model = EmergencyUse
        fields = ["id", "staff", "item", "used_at", "reason", "record_number", "confirmed_by", "complete_by", "status",
                  "completed_at", "completion_note", "created_at", "updated_at"]
        read_only_fields = fields


class ProcedureCreateSerializer(serializers.Serializer):
    staff = serializers.CharField(max_length=32)
    item = serializers.CharField(max_length=40)
    performed_on = DateField()
    record_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    unplanned_reoperation = serializers.BooleanField(required=False, default=False)
    complication = serializers.BooleanField(required=False, default=False)
    institution = serializers.CharField(max_length=32, required=False)


class ReviewSerializer(ModelSerializer):
    class Meta:
        model = PrivilegeReview
        fields = ["id", "due_on", "outcome", "note", "new_valid_until", "restriction", "dossier", "reviewed_at"]
        read_only_fields = fields


class ReviewDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    note = serializers.CharField(max_length=5000)
    new_valid_until = DateField(required=False, allow_null=True, default=None)
    restriction = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
