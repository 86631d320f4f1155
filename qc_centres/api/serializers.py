from __future__ import annotations

from rest_framework import serializers

from qc_centres.models import Assessment, Expert, QcCentre, Visit
from qc_centres.workflow import Ground, Kind, Role, Title
from qms.api import DateField, ModelSerializer


class CentreSerializer(ModelSerializer):
    authority = serializers.CharField(source="authority.code", read_only=True)
    host_institution = serializers.CharField(source="host_institution.code", read_only=True)

    class Meta:
        model = QcCentre
        fields = ["id", "name", "specialty", "kind", "authority", "host_institution", "term_start", "term_end",
                  "term_number", "status", "card", "committee_published_on", "dissolved_on", "dissolved_reason",
                  "predecessor", "scope_department_names", "created_at", "updated_at"]
        read_only_fields = fields


class CentreCreateSerializer(serializers.Serializer):
    specialty = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=200)
    authority = serializers.CharField(max_length=32, help_text="authority code")
    host_institution = serializers.CharField(max_length=32, help_text="institution code")
    term_start = DateField()
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, default=Kind.CLINICAL)
    scope_department_names = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                                   default=list)


class ExpertSerializer(ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Expert
        fields = ["id", "name", "role", "from_host", "workplace", "birth_date", "title", "appointed_on",
                  "first_appointed_on", "retired", "main_practice_at_host", "status", "left_on", "removal_ground",
                  "reason", "username", "updated_at"]
        read_only_fields = fields


class ExpertCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=Role.choices)
    from_host = serializers.BooleanField()
    birth_date = DateField()
    title = serializers.ChoiceField(choices=Title.choices)
    appointed_on = DateField()
    workplace = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    retired = serializers.BooleanField(required=False, default=False)
    main_practice_at_host = serializers.BooleanField(required=False, allow_null=True, default=None,
                                                     help_text="default: from_host")
    first_appointed_on = DateField(required=False, allow_null=True, default=None,
                                               help_text="a director's first appointment (Art. 6 (二)); default appointed_on")
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                     help_text="the member's account, so key-case reviews can be assigned to them")


class AssessmentSerializer(ModelSerializer):
    card = serializers.CharField(source="centre.card", read_only=True)
    status = serializers.CharField(source="centre.status", read_only=True)
    assessment_card = serializers.CharField(source="card", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "year", "passed", "grounds", "detected_grounds", "note", "assessed_on", "assessment_card",
                  "card", "status"]
        read_only_fields = fields


class AssessmentCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    passed = serializers.BooleanField()
    grounds = serializers.ListField(child=serializers.ChoiceField(choices=Ground.choices), required=False, default=list)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class FindingSerializer(serializers.Serializer):
    problem = serializers.CharField(max_length=5000)
    department = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    requirement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    due_on = DateField()


class VisitSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "centre", "institution", "visited_on", "method", "report", "conclusion", "score",
                  "reported_to_authority_on", "hospital_reply", "hospital_replied_on", "updated_at"]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32)
    visited_on = DateField()
    report = serializers.CharField(max_length=50000)
    conclusion = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True, default=None,
                                     min_value=0, max_value=1000)
    reported_to_authority_on = DateField(required=False, allow_null=True, default=None)
    findings = FindingSerializer(many=True, required=False, default=list)


class CoverageRowSerializer(serializers.Serializer):
    institution = serializers.CharField()
    name = serializers.CharField()
    visits = serializers.ListField(child=DateField())
    owed = serializers.BooleanField()
