from __future__ import annotations

from rest_framework import serializers

from qms.api import DateField, ModelSerializer
from staff.models import EmploymentKind, Profession, Staff, Title


class StaffSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Staff
        fields = ["code", "name", "institution", "department", "department_name", "profession", "title",
                  "title_since", "certificate_number", "practice_scope", "employment_kind", "is_active", "updated_at"]
        read_only_fields = fields


class StaffPushSerializer(serializers.Serializer):
    """A push from the HIS: `code` is the key; fields left out are left as they are."""

    code = serializers.CharField(max_length=32)
    institution = serializers.CharField(max_length=32, required=False, help_text="医疗机构编码（HIS 账号可省略）")
    name = serializers.CharField(max_length=50, required=False)
    department = serializers.CharField(max_length=32, required=False, allow_null=True, help_text="科室编码")
    profession = serializers.ChoiceField(choices=Profession.choices, required=False)
    title = serializers.ChoiceField(choices=Title.choices, required=False)
    title_since = DateField(required=False, allow_null=True)
    certificate_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    practice_scope = serializers.CharField(max_length=100, required=False, allow_blank=True)
    employment_kind = serializers.ChoiceField(choices=EmploymentKind.choices, required=False)
    is_active = serializers.BooleanField(required=False)
