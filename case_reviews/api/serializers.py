from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from case_reviews.models import Case, CaseReview, Finding
from case_reviews.workflow import Category, Focus
from qms.api import ModelSerializer

if TYPE_CHECKING:
    pass


class CaseSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    physician = serializers.CharField(source="physician_code", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "institution", "record_number", "department", "physician", "admitted_on", "discharged_on",
                  "died", "died_on", "grade4_surgery", "restricted_technologies", "unplanned_reoperation",
                  "discharge_against_advice", "malpractice", "total_cost", "death_discussed_on", "updated_at"]
        read_only_fields = fields


class CasePoolPushSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32, required=False, help_text="医疗机构代码（HIS 账号绑定一家医院时可省略）")
    cases = serializers.ListField(child=serializers.JSONField(), max_length=5000,
                                  help_text="每项：record_number, department, physician（工号）, admitted_on, discharged_on, "
                                            "died, died_on, grade4_surgery, restricted_technologies, unplanned_reoperation, "
                                            "discharge_against_advice, malpractice, total_cost；不得含患者姓名、身份证号、住址")


class CasePoolResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]  # DRF's metaclass moves declared fields off the class; stubs see Field.errors


class FindingSerializer(ModelSerializer):
    rectification = serializers.IntegerField(source="rectification_id", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = ["focus", "text", "severity", "rectification"]


class CaseReviewSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    authority = serializers.CharField(source="authority.code", read_only=True, allow_null=True, default=None)
    findings = FindingSerializer(many=True, read_only=True)
    interview = serializers.IntegerField(source="interview_id", read_only=True, allow_null=True)

    class Meta:
        model = CaseReview
        fields = ["id", "round", "institution", "authority", "record_number", "category", "focus", "how", "reason",
                  "status", "conclusion", "submitted_at", "findings", "interview", "created_at", "updated_at"]
        read_only_fields = fields


class CaseReviewCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    category = serializers.ChoiceField(choices=Category.choices)
    record_number = serializers.CharField(max_length=40)
    focus = serializers.ListField(child=serializers.ChoiceField(choices=Focus.choices), required=False, default=list)
    round = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
