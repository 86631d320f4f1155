from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Defect, Kind, ReviewKind, Tier

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from inspections.models import Checklist, CoreSystem
    from organizations.models import Department

# An <input type="date"> only takes ISO dates: without the format, zh-hans renders 2026/12/03, which the browser
# drops, so the field would be submitted empty.
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
SELECT = {"class": "form-select"}
TEXT = {"class": "form-control"}


class InspectionForm(forms.Form):
    checklist: forms.ModelChoiceField[Checklist] = forms.ModelChoiceField(queryset=None, label=_("检查表"), widget=forms.Select(attrs=SELECT))
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(queryset=None, label=_("受检科室"), required=False, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(choices=Kind.choices, label=_("检查方式"), widget=forms.Select(attrs=SELECT))
    tier = forms.ChoiceField(choices=Tier.choices, label=_("层级"), widget=forms.Select(attrs=SELECT))
    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, checklists: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["checklist"]).queryset = checklists
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


class ResultForm(forms.Form):
    deducted = forms.DecimalField(label=_("扣分"), min_value=0, max_digits=5, decimal_places=1, initial=0,
                                  widget=forms.NumberInput(attrs={"class": "form-control form-control-lg", "step": "0.5", "inputmode": "decimal"}))
    finding = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    cases = forms.CharField(label=_("抽查病历号"), required=False, help_text=_("多个病历号用逗号或换行分隔"),
                            widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "inputmode": "text"}))
    photo = forms.FileField(label=_("照片佐证"), required=False,
                            widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}))


class CompleteForm(forms.Form):
    due_on = forms.DateField(label=_("整改期限"), required=False, widget=DATE)
    summary = forms.CharField(label=_("检查小结"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class ChecklistHeadForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32, widget=forms.TextInput(attrs=TEXT))
    name = forms.CharField(label=_("名称"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    area = forms.ChoiceField(label=_("领域"), widget=forms.Select(attrs=SELECT))
    core_system: forms.ModelChoiceField[CoreSystem] = forms.ModelChoiceField(queryset=None, label=_("核心制度"), required=False, widget=forms.Select(attrs=SELECT))
    for_records = forms.BooleanField(label=_("用于病历质量评价"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from inspections.models import Area, CoreSystem

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = Area.choices
        cast(forms.ModelChoiceField, self.fields["core_system"]).queryset = CoreSystem.objects.order_by("order")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))


class PlanForm(forms.Form):
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, choices=[(m, m) for m in range(1, 13)], widget=forms.Select(attrs=SELECT))
    checklist: forms.ModelChoiceField[Checklist] = forms.ModelChoiceField(queryset=None, label=_("检查表"), widget=forms.Select(attrs=SELECT))
    departments: forms.ModelMultipleChoiceField[Department] = forms.ModelMultipleChoiceField(queryset=None, label=_("受检科室"),
                                                 widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}))
    kind = forms.ChoiceField(choices=Kind.choices, label=_("检查方式"), widget=forms.Select(attrs=SELECT))
    tier = forms.ChoiceField(choices=Tier.choices, label=_("层级"), widget=forms.Select(attrs=SELECT))
    inspecting_department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(queryset=None, required=False, label=_("检查部门"), widget=forms.Select(attrs=SELECT))
    inspector: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, required=False, label=_("检查人"), widget=forms.Select(attrs=SELECT))
    due_on = forms.DateField(label=_("完成期限"), required=False, widget=DATE, help_text=_("不填则为该月最后一天"))

    def __init__(self, *args: Any, checklists: Any, departments: Any, functional: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["checklist"]).queryset = checklists
        cast(forms.ModelChoiceField, self.fields["departments"]).queryset = departments
        cast(forms.ModelChoiceField, self.fields["inspecting_department"]).queryset = functional
        cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = users
        cast(forms.ModelChoiceField, self.fields["inspector"]).label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[method-assign,assignment]  # Django allows a per-field label callable


class RecordReviewForm(forms.Form):
    kind = forms.ChoiceField(choices=ReviewKind.choices, label=_("类别"), widget=forms.Select(attrs=SELECT))
    record_number = forms.CharField(label=_("病案号"), max_length=40, widget=forms.TextInput(attrs=TEXT))
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(queryset=None, label=_("科室"), widget=forms.Select(attrs=SELECT))
    physician = forms.CharField(label=_("经治医师工号"), max_length=32, widget=forms.TextInput(attrs=TEXT))
    discharged_on = forms.DateField(label=_("出院日期"), required=False, widget=DATE)
    score = forms.DecimalField(label=_("得分"), required=False, min_value=0, max_value=100, decimal_places=1,
                               help_text=_("按评价表逐项扣分时可不填，由系统计算"),
                               widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}))
    defects = forms.MultipleChoiceField(label=_("缺陷"), required=False, choices=Defect.choices, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("评价意见"), required=False, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments


class ThresholdForm(forms.Form):
    grade_a_min = forms.DecimalField(label=_("甲级最低分"), min_value=1, max_value=100, decimal_places=1, widget=forms.NumberInput(attrs=TEXT))
    grade_b_min = forms.DecimalField(label=_("乙级最低分"), min_value=1, max_value=100, decimal_places=1, widget=forms.NumberInput(attrs=TEXT))


def month_param(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        y, m = (int(x) for x in (value or "").split("-"))
        return dt.date(y, m, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)
