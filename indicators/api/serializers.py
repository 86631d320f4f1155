from rest_framework import serializers

from indicators.models import Indicator, IndicatorValue


class IndicatorSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_label", help_text="目标值（附件原文），如 “≤1.8‰”、“同比上升”")
    target_rule = serializers.SerializerMethodField(help_text="机器可读的目标：kind/op/value/by_grade/period")

    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "direction", "target", "direction_label", "target_rule", "kind", "factor",
                  "numerator_definition", "denominator_definition", "source", "level", "layer", "grades", "row",
                  "version", "updated_at"]

    def get_target_rule(self, obj: Indicator) -> dict:
        return {
            "kind": obj.target_kind,
            "op": obj.target_op or None,
            "value": None if obj.target_value is None else str(obj.target_value),
            "by_grade": obj.target_by_grade or None,
            "period": obj.target_period,
        }


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")
    institution = serializers.CharField(source="institution.code")
    department = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "institution", "department", "period", "numerator", "denominator", "rate",
                  "source", "revision", "is_current", "definition_version", "target_snapshot", "entered_by",
                  "entered_at", "updated_at"]

    def get_department(self, obj: IndicatorValue) -> str | None:
        return obj.department.code if obj.department is not None else None

    def get_period(self, obj: IndicatorValue) -> str:
        return obj.period_label

    def get_entered_by(self, obj: IndicatorValue) -> str | None:
        return obj.entered_by.username if obj.entered_by is not None else None


class IndicatorValueInSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=20)
    institution = serializers.CharField(max_length=32)
    department = serializers.CharField(max_length=32, required=False, allow_null=True, allow_blank=True)
    period = serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, help_text="YYYY-MM",
                                    error_messages={"invalid": "月份格式应为 YYYY-MM，例如 2025-03。"})
    numerator = serializers.DecimalField(max_digits=14, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
