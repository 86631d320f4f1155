from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.models import (
    ActionEvidence,
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingBody,
)
from committees.selectors import quorum, visible_meetings
from organizations.selectors import visible_people
from qms.api import DateField, DateTimeField, ModelSerializer, ScopedPrimaryKeyRelatedField

User = get_user_model()


def _visible_agenda_items(user: Any) -> Any:
    return AgendaItem.objects.filter(meeting__in=visible_meetings(user))


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


class MeetingBodySerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, allow_null=True, default=None)
    chair_name = serializers.SerializerMethodField()

    class Meta:
        model = MeetingBody
        fields = ["id", "institution", "department", "kind", "name", "chair", "chair_name", "cadence",
                  "quarterly_plenary", "quorum_percent", "active_from", "is_active", "updated_at"]
        read_only_fields = fields

    def get_chair_name(self, obj: MeetingBody) -> str:
        return _name(obj.chair)


class MeetingSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, allow_null=True, default=None)
    body = serializers.PrimaryKeyRelatedField(queryset=MeetingBody.objects.none())
    chair = ScopedPrimaryKeyRelatedField(scope=visible_people, model=User, required=False, allow_null=True)
    chair_name = serializers.SerializerMethodField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    minutes_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "body", "institution", "department", "kind", "title", "starts_at", "place", "chair",
                  "chair_name", "status", "summary", "minutes_version", "held_at", "approved_at", "approved_by",
                  "previous", "agenda_until", "minutes_pdf", "created_at", "updated_at"]
        read_only_fields = ["status", "minutes_version", "held_at", "approved_at", "approved_by", "previous",
                            "agenda_until", "created_at", "updated_at"]

    def __init__(self, *args: Any, bodies: QuerySet[MeetingBody] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if bodies is not None:
            cast(serializers.RelatedField, self.fields["body"]).queryset = bodies  # type: ignore[arg-type]  # stubs declare RelatedField.queryset as a Manager descriptor

    def get_chair_name(self, obj: Meeting) -> str:
        return _name(obj.chair)

    def get_minutes_pdf(self, obj: Meeting) -> str:
        return reverse("committee-meeting-minutes-pdf", args=[obj.pk])


class MeetingUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    starts_at = DateTimeField(required=False)
    place = serializers.CharField(required=False, max_length=200)
    chair = ScopedPrimaryKeyRelatedField(scope=visible_people, model=User, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)


class ActionItemBriefSerializer(ModelSerializer):
    department = serializers.CharField(source="department.code")
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "title", "department", "owner", "owner_name", "due_on", "status"]

    def get_owner_name(self, obj: ActionItem) -> str:
        return _name(obj.owner)


class AgendaItemSerializer(ModelSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    detail = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(required=False, min_value=0, max_value=100000)

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "order", "kind", "source_kind", "title", "detail", "url", "action_item", "minutes", "updated_at"]
        read_only_fields = ["kind", "source_kind", "url", "action_item", "updated_at"]

    def __init__(self, *args: Any, meetings: QuerySet[Meeting] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meetings is not None:
            cast(serializers.RelatedField, self.fields["meeting"]).queryset = meetings  # type: ignore[arg-type]  # stubs declare RelatedField.queryset as a Manager descriptor


class AttendanceSerializer(ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "user", "user_name", "status", "proxy_name", "note", "updated_at"]
        read_only_fields = ["id", "meeting", "user", "user_name", "updated_at"]

    def get_user_name(self, obj: Attendance) -> str:
        return _name(obj.user)


class AttendanceEntrySerializer(serializers.Serializer):
    user = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    proxy_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AttendanceBulkSerializer(serializers.Serializer):
    attendance = AttendanceEntrySerializer(many=True)


class DecisionSerializer(ModelSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    agenda_item = ScopedPrimaryKeyRelatedField(scope=_visible_agenda_items, model=AgendaItem, required=False,
                                               allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "meeting", "agenda_item", "order", "text", "updated_at"]
        read_only_fields = ["order", "updated_at"]

    def __init__(self, *args: Any, meetings: QuerySet[Meeting] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meetings is not None:
            cast(serializers.RelatedField, self.fields["meeting"]).queryset = meetings  # type: ignore[arg-type]  # stubs declare RelatedField.queryset as a Manager descriptor


class EvidenceSerializer(ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ActionEvidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "download"]

    def get_download(self, obj: ActionEvidence) -> str:
        return reverse("committee-action-item-evidence-download", args=[obj.action_item_id, obj.pk])


class ActionItemSerializer(ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    department = serializers.CharField(source="department.code", required=False, allow_null=True,
                                       help_text=_("责任科室代码（本院）"))
    decision = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.none())
    owner = ScopedPrimaryKeyRelatedField(scope=visible_people, model=User, required=False, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    due_on = DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ["id", "decision", "meeting", "body", "institution", "department", "owner", "owner_name", "title",
                  "description", "due_on", "status", "overdue", "evidence_text", "done_at", "verified_at",
                  "verified_by", "created_at", "updated_at"]
        read_only_fields = ["meeting", "body", "status", "evidence_text", "done_at", "verified_at", "verified_by",
                            "created_at", "updated_at"]

    def __init__(self, *args: Any, decisions: QuerySet[Decision] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if decisions is not None:
            cast(serializers.RelatedField, self.fields["decision"]).queryset = decisions  # type: ignore[arg-type]  # stubs declare RelatedField.queryset as a Manager descriptor

    def get_owner_name(self, obj: ActionItem) -> str:
        return _name(obj.owner)

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj: ActionItem) -> bool:
        return obj.is_overdue(timezone.localdate())


class ActionItemUpdateSerializer(serializers.Serializer):
    department = serializers.CharField(required=False)
    owner = ScopedPrimaryKeyRelatedField(scope=visible_people, model=User, required=False)
    title = serializers.CharField(required=False, max_length=300)
    due_on = DateField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ActionItemDetailSerializer(ActionItemSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(ActionItemSerializer.Meta):
        fields = [*ActionItemSerializer.Meta.fields, "evidence"]


class MeetingDetailSerializer(MeetingSerializer):
    agenda_items = AgendaItemSerializer(many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()
    quorum = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "quorum", "agenda_items", "attendance", "decisions"]

    def get_decisions(self, obj: Meeting) -> list[dict]:
        return [
            {"id": d.pk, "order": d.order, "text": d.text, "agenda_item": d.agenda_item_id,
             "action_items": ActionItemBriefSerializer(d.action_items.all(), many=True).data}
            for d in obj.decisions.all()
        ]

    def get_quorum(self, obj: Meeting) -> dict:
        q = quorum(obj)
        return {k: q[k] for k in ("members", "present", "needed", "percent", "met", "counts")}


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class DoneSerializer(serializers.Serializer):
    evidence_text = serializers.CharField(required=False, allow_blank=True)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
