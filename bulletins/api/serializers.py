from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bulletins.models import SECTION_KEYS, Bulletin
from qms.api import ModelSerializer

if TYPE_CHECKING:
    from organizations.models import Institution

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class BulletinSerializer(ModelSerializer):
    institution: serializers.SlugRelatedField[Institution] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    period = serializers.CharField(read_only=True)
    issue_number = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    supersedes = serializers.IntegerField(source="supersedes_id", read_only=True, allow_null=True)
    progress_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id", "institution", "institution_name", "period", "year", "month", "issue_number", "version",
            "supersedes", "status", "status_display", "progress", "step", "progress_url", "pdf_url",
            "pdf_checksum", "pdf_pages", "foreword", "commentary", "gathered_at", "published_at", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_progress_url(self, obj: Bulletin) -> str:
        return self._abs(reverse("bulletin-progress", args=[obj.pk]))

    def get_pdf_url(self, obj: Bulletin) -> str:
        return self._abs(reverse("bulletin-pdf", args=[obj.pk]))

    def _abs(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class BulletinStartSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=32, help_text=_("医疗机构代码"))
    period = serializers.CharField(max_length=7, help_text=_("统计月份 YYYY-MM"))

    def validate_period(self, value: str) -> tuple[int, int]:
        match = PERIOD_RE.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise serializers.ValidationError(_("期间格式应为 YYYY-MM，月份 01–12。"))
        return int(match.group(1)), int(match.group(2))


class BulletinAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    issue_number = serializers.CharField()
    version = serializers.IntegerField()
    progress = serializers.URLField()
    pdf = serializers.URLField()


class BulletinProgressSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_display = serializers.CharField()
    percent = serializers.IntegerField()
    step = serializers.CharField()
    ready = serializers.BooleanField()
    pdf_url = serializers.CharField(allow_blank=True)


class BulletinCommentarySerializer(serializers.Serializer):
    foreword = serializers.CharField(required=False, allow_blank=True, max_length=5000, trim_whitespace=False)
    commentary = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000), required=False,
        help_text=_("部分 → 评述：") + "、".join(SECTION_KEYS),
    )
