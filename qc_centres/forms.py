from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qc_centres.workflow import ActivityKind, Ground, Kind, MaterialKind, RemovalGround, Role, Title

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CentreForm(forms.Form):
    authority: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("设置部门"))
    specialty = forms.CharField(label=_("专业"), max_length=100)
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    host_institution: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("挂靠单位"))
    term_start = forms.DateField(label=_("任期起"), widget=DATE)
    scope_department_names = forms.CharField(label=_("质控范围科室名称（逗号分隔）"), required=False, max_length=500)

    def __init__(self, *args, authorities, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["host_institution"].queryset = institutions


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("职务"), choices=Role.choices)
    from_host = forms.BooleanField(label=_("挂靠单位人员"), required=False)
    workplace = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("出生日期"), widget=DATE)
    title = forms.ChoiceField(label=_("职称"), choices=Title.choices)
    appointed_on = forms.DateField(label=_("聘任日期"), widget=DATE)
    retired = forms.BooleanField(label=_("已退休"), required=False)
    user = PersonChoiceField(label=_("登录账号"), required=False, queryset=None,  # type: ignore[arg-type]
                             help_text=_("填写后，该专家可被分配重点病例评价。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from organizations.models import Membership

        field = cast(forms.ModelChoiceField, self.fields["user"])
        field.queryset = get_user_model().objects.filter(is_active=True).exclude(
            memberships__role=Membership.Role.HIS).order_by("username")


class ReasonForm(forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput)
    ground = forms.ChoiceField(label=_("调出情形"), choices=[("", _("—"))] + list(RemovalGround.choices), required=False)
    reason = forms.CharField(label=_("原因"), max_length=2000)


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("工作年度"), min_value=2000, max_value=2100)
    summary = forms.CharField(label=_("年度工作总结"), widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.CharField(label=_("下年度工作计划"), widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(label=_("计划任务（每行：完成时限 任务，如 2026-03-31 制定质控指标）"),
                            widget=forms.Textarea(attrs={"rows": 3}))

    def clean_tasks(self) -> list:
        import datetime as dt

        out = []
        for line in self.cleaned_data["tasks"].splitlines():
            line = line.strip()
            if not line:
                continue
            date, _sep, title = line.partition(" ")
            try:
                out.append((title.strip(), dt.date.fromisoformat(date)))
            except ValueError:
                raise forms.ValidationError(_("每行以完成时限（YYYY-MM-DD）开头：%(line)s") % {"line": line}) from None
        return out


class TaskDoneForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("完成情况"), max_length=2000)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    attendees = forms.CharField(label=_("出席人员（逗号分隔）"), required=False, max_length=3000)
    in_plan = forms.BooleanField(label=_("在年度计划内"), required=False, initial=True)
    reported_on = forms.DateField(label=_("提前报告日期（计划外活动）"), required=False, widget=DATE)
    record = forms.CharField(label=_("记录"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    institution: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("被质控机构"))
    visited_on = forms.DateField(label=_("质控日期"), widget=DATE)
    report = forms.CharField(label=_("质控报告"), widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(label=_("质控结论"), max_length=200, required=False)
    problem = forms.CharField(label=_("发现问题（需整改）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("整改期限"), required=False, widget=DATE)
    reported_to_authority_on = forms.DateField(label=_("书面报送卫生健康委日期"), required=False, widget=DATE)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("problem") and not data.get("due_on"):
            self.add_error("due_on", _("请填写整改期限。"))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("书面整改情况"), widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    passed = forms.TypedChoiceField(label=_("结论"), choices=[("1", _("合格")), ("0", _("不合格"))],
                                    coerce=lambda v: v == "1")
    grounds = forms.MultipleChoiceField(label=_("不合格情形（第二十条）"), choices=Ground.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("考核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    recipient = forms.CharField(label=_("接收方"), max_length=200)
    purpose = forms.CharField(label=_("用途"), max_length=2000)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE)


class ApplicationForm(forms.Form):
    authority: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("申请设置部门"))
    applicant: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=_("申请单位"))
    specialty = forms.CharField(label=_("专业"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    proposed_director = forms.CharField(label=_("拟推荐主任人选"), max_length=50, required=False)
    statement = forms.CharField(label=_("申请说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, authorities, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["applicant"].queryset = institutions


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料"), choices=MaterialKind.choices)
    file = forms.FileField(label=_("文件"))
