"""Browser forms of the 约谈 steps; each only collects input for one service."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interviews.models import InterviewDocument
from interviews.workflow import Ground, ProblemScale

if TYPE_CHECKING:
    from organizations.models import Institution

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")  # ISO: what <input type=date> needs
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3, "class": "form-control"})
INPUT = forms.TextInput(attrs={"class": "form-control"})
PEOPLE_ROWS = 4
MEASURE_ROWS = 5


class TriggerForm(forms.Form):
    institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(queryset=None, label=_("约谈医疗机构"),
                                         widget=forms.Select(attrs={"class": "form-select"}))
    trigger_ground = forms.TypedChoiceField(choices=Ground.choices, coerce=int, label=_("约谈情形（第四十五条）"),
                                            widget=forms.Select(attrs={"class": "form-select"}))
    trigger_date = forms.DateField(label=_("启动日期"), widget=DATE)
    problems = forms.CharField(label=_("存在的主要问题"), widget=TEXT, max_length=5000)
    internal = forms.BooleanField(label=_("医疗机构内部约谈（第五十三条）"), required=False)

    def __init__(self, *args: Any, institutions: Any, allow_internal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions
        cast(forms.ModelChoiceField, self.fields["institution"]).label_from_instance = lambda i: f"{i.code} {i.name}"  # type: ignore[method-assign,assignment]  # Django allows a per-field label callable
        if not allow_internal:
            del self.fields["internal"]
        self.initial.setdefault("trigger_date", timezone.localdate())


class InvestigateForm(forms.Form):
    experts = forms.CharField(label=_("参加调查的专家"), widget=INPUT, required=False, max_length=300)
    findings = forms.CharField(label=_("调查核实情况"), widget=TEXT)
    cause_analysis = forms.CharField(label=_("归因分析"), widget=TEXT)
    proposals = forms.CharField(label=_("改进建议"), widget=TEXT, required=False)
    investigated_on = forms.DateField(label=_("调查日期"), widget=DATE, required=False)


class NotifyForm(forms.Form):
    notified_on = forms.DateField(label=_("通知送达日期"), widget=DATE)
    scheduled_at = forms.DateTimeField(label=_("约谈时间"), widget=DATETIME)
    location = forms.CharField(label=_("约谈地点"), widget=INPUT, max_length=200)
    content = forms.CharField(label=_("拟约谈的主要内容"), widget=TEXT, max_length=5000)


class HoldForm(forms.Form):
    held_at = forms.DateTimeField(label=_("实际约谈时间"), widget=DATETIME)
    record = forms.CharField(label=_("约谈记录"), widget=TEXT, max_length=20000)
    record_reasons = forms.CharField(label=_("（二）约谈原因、主要问题及其严重性和危害性"), widget=TEXT, required=False)
    record_explanation = forms.CharField(label=_("（三）约谈对象的解释说明、已采取的整改措施及其效果"), widget=TEXT, required=False)
    record_requirements = forms.CharField(label=_("（四）具体要求和整改期限"), widget=TEXT, required=False)
    problem_scale = forms.ChoiceField(label=_("问题性质"), choices=ProblemScale.choices,
                                      widget=forms.Select(attrs={"class": "form-select"}))
    rectification_deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    # Art. 47 (五): recorded as given, never assumed.
    form_signed = forms.BooleanField(label=_("（五）登记表已由约谈对象签字"), required=False)
    form_unsigned_reason = forms.CharField(label=_("未签字原因"), widget=INPUT, required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for side, flag, flag_label in (("iv", "head", _("负责人")), ("ie", "principal", _("主要/分管负责人"))):
            for i in range(PEOPLE_ROWS):
                self.fields[f"{side}_name_{i}"] = forms.CharField(required=False, max_length=50, widget=INPUT, label=_("姓名"))
                self.fields[f"{side}_title_{i}"] = forms.CharField(required=False, max_length=200, widget=INPUT, label=_("单位职务"))
                self.fields[f"{side}_{flag}_{i}"] = forms.BooleanField(required=False, label=flag_label)

    def people(self, side: str, flag: str) -> list[dict]:
        out = []
        for i in range(PEOPLE_ROWS):
            name = (self.cleaned_data.get(f"{side}_name_{i}") or "").strip()
            if name:
                out.append({"name": name, "title": self.cleaned_data.get(f"{side}_title_{i}") or "",
                            f"is_{flag}": bool(self.cleaned_data.get(f"{side}_{flag}_{i}"))})
        return out

    def rows(self, side: str, flag: str) -> list[tuple]:
        return [(self[f"{side}_name_{i}"], self[f"{side}_title_{i}"], self[f"{side}_{flag}_{i}"]) for i in range(PEOPLE_ROWS)]

    def main_fields(self) -> list:
        names = ("record", "record_reasons", "record_explanation", "record_requirements", "problem_scale",
                 "rectification_deadline", "form_signed", "form_unsigned_reason")
        return [self[n] for n in names]

    def interviewer_rows(self) -> list[tuple]:
        return self.rows("iv", "head")

    def interviewee_rows(self) -> list[tuple]:
        return self.rows("ie", "principal")


class PlanForm(forms.Form):
    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MEASURE_ROWS):
            self.fields[f"measure_{i}"] = forms.CharField(required=False, max_length=2000, widget=INPUT, label=_("整改措施"))
            self.fields[f"department_{i}"] = forms.ModelChoiceField(
                queryset=departments, required=False, label=_("责任部门"), widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"responsible_{i}"] = forms.CharField(required=False, max_length=50, widget=INPUT, label=_("责任人"))
            self.fields[f"deadline_{i}"] = forms.DateField(required=False, widget=DATE, label=_("完成时限"))

    def measures(self) -> list[dict]:
        out = []
        for i in range(MEASURE_ROWS):
            text = (self.cleaned_data.get(f"measure_{i}") or "").strip()
            if text or self.cleaned_data.get(f"department_{i}") or self.cleaned_data.get(f"deadline_{i}"):
                out.append({"measure": text, "department": self.cleaned_data.get(f"department_{i}"),
                            "responsible": self.cleaned_data.get(f"responsible_{i}") or "",
                            "deadline": self.cleaned_data.get(f"deadline_{i}")})
        return out

    def rows(self) -> list[tuple]:
        return [(self[f"measure_{i}"], self[f"department_{i}"], self[f"responsible_{i}"], self[f"deadline_{i}"])
                for i in range(MEASURE_ROWS)]


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label=_("批准日期"), widget=DATE, required=False,
                                  help_text=_("默认今天；补录纸质批准时填写批准当日（第四十六条）"))


class ReconcileForm(forms.Form):
    decision = forms.ChoiceField(label=_("决定"), choices=[("keep", _("继续约谈")), ("cancel", _("撤销约谈"))],
                                 widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}), max_length=2000)


class ReportForm(forms.Form):
    submitted_on = forms.DateField(label=_("报告送达日期"), widget=DATE, required=False,
                                   help_text=_("报告送达卫生健康行政部门的日期，默认今天（第五十条）"))
    text = forms.CharField(label=_("书面整改报告"), widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
                           required=False, max_length=50000)
    file = forms.FileField(label=_("整改报告文件（PDF/Word/图片，可选）"), required=False,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类别"), choices=InterviewDocument.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=_("文件"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=_("说明"), required=False, max_length=500, widget=INPUT)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, v) for k, v in InterviewDocument.Kind.choices if k in kinds]


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("整改落实情况核查意见"), widget=TEXT)
    conclusion = forms.CharField(label=_("结论意见"), widget=TEXT, required=False)


class PressForm(forms.Form):
    note = forms.CharField(label=_("督促改正要求"), widget=TEXT)
    new_deadline = forms.DateField(label=_("新的整改期限"), widget=DATE)


class UpwardForm(forms.Form):
    reported_on = forms.DateField(label=_("报市级日期"), widget=DATE, initial=dt.date.today)


class CirculateForm(forms.Form):
    circulated_on = forms.DateField(label=_("通报日期"), widget=DATE)
    text = forms.CharField(label=_("通报内容"), widget=TEXT)
    filed_on = forms.DateField(label=_("报上级备案日期"), widget=DATE, required=False)


class RegistrationForm(forms.Form):
    rectification_record = forms.CharField(label=_("整改落实情况记录"), widget=TEXT, required=False)
    recorder = forms.CharField(label=_("记录人"), widget=INPUT, required=False, max_length=100)
    recorded_on = forms.DateField(label=_("记录时间"), widget=DATE, required=False)
    conclusion = forms.CharField(label=_("结论意见"), widget=TEXT, required=False)
    remarks = forms.CharField(label=_("备注"), widget=TEXT, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), widget=TEXT)


class SummarySubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("报送日期"), widget=DATE)
    note = forms.CharField(label=_("报送说明"), widget=TEXT, required=False)
