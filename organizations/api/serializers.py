from __future__ import annotations

from rest_framework import serializers

from organizations.models import Authority, Department, Institution
from qms.api import ModelSerializer


class InstitutionSerializer(ModelSerializer):
    authority: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    grade = serializers.CharField(source="grade_display", read_only=True)

    class Meta:
        model = Institution
        fields = ["code", "name", "grade_level", "grade_class", "grade", "category", "authority", "updated_at"]


class DepartmentSerializer(ModelSerializer):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name", "institution", "kind", "business_kind", "function", "updated_at"]


class AuthoritySerializer(ModelSerializer):
    parent: serializers.SlugRelatedField[Authority] = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[assignment]  # DRF's metaclass moves declared fields off the class; stubs see Field.parent

    class Meta:
        model = Authority
        fields = ["code", "name", "level", "parent"]
