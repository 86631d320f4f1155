from rest_framework import serializers

from indicators.models import Indicator, IndicatorValue
from qms.api import DateField, ModelSerializer


class IndicatorSerializer(ModelSerializer):
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


class IndicatorValueSerializer(ModelSerializer):
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


class ComparisonRowSerializer(serializers.Serializer):
    institution = serializers.CharField(source="code", help_text="机构代码（比较科室时为科室代码）")
    name = serializers.CharField()
    grade = serializers.CharField(allow_blank=True)
    numerator = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    lower95 = serializers.FloatField(allow_null=True)
    upper95 = serializers.FloatField(allow_null=True)
    lower998 = serializers.FloatField(allow_null=True)
    upper998 = serializers.FloatField(allow_null=True)
    signal = serializers.CharField(allow_null=True, help_text="above / below / within（99.8% 控制限）；无数据为 null")
    alert = serializers.CharField(allow_null=True, help_text="同上，95% 控制限")
    rank = serializers.IntegerField(allow_null=True)
    target = serializers.CharField(source="target_label", allow_blank=True)
    attainment = serializers.CharField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    period = DateField(format="%Y-%m")
    authority = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    pooled_rate = serializers.FloatField(source="pooled", allow_null=True)
    numerator = serializers.DecimalField(max_digits=18, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=18, decimal_places=2)
    reported = serializers.IntegerField()
    caveat = serializers.CharField()
    results = ComparisonRowSerializer(source="rows", many=True)

    def get_authority(self, obj: dict) -> str | None:
        return obj["authority"].code if obj.get("authority") else None

    def get_institution(self, obj: dict) -> str | None:
        return obj["institution"].code if obj.get("institution") else None
