from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from safety_info.workflow import AccidentGrade, Channel, Instance, Kind, Resolution, Responsibility

if TYPE_CHECKING:
    from adverse_events.models import AdverseEvent
    from organizations.models import Department, Institution


def _blank(choices):
    return [("", "—"), *choices]


class RecordForm(forms.Form):
    institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(queryset=None, label=_("医疗机构"))
    kind = forms.ChoiceField(choices=Kind.choices, label=_("类别"))
    received_on = forms.DateField(label=_("受理日期"), widget=forms.DateInput(attrs={"type": "date"}))
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(queryset=None, label=_("涉及科室"))
    summary = forms.CharField(label=_("事由摘要"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    record_number = forms.CharField(label=_("病案号"), required=False, max_length=40)
    adverse_events: forms.ModelMultipleChoiceField[AdverseEvent] = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("关联不良事件"))
    channel = forms.ChoiceField(choices=_blank(Channel.choices), required=False, label=_("投诉方式"))
    reply_due_on = forms.DateField(required=False, label=_("答复期限"), widget=forms.DateInput(attrs={"type": "date"}))
    claim_amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2, label=_("索赔金额（元）"))
    resolution = forms.ChoiceField(choices=_blank(Resolution.choices), required=False, label=_("解决途径"))
    determined_by = forms.CharField(required=False, max_length=100, label=_("鉴定机构"))
    determined_on = forms.DateField(required=False, label=_("鉴定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    accident_grade = forms.TypedChoiceField(choices=_blank(AccidentGrade.choices), coerce=int, empty_value=None,
                                            required=False, label=_("事故等级"))
    responsibility = forms.ChoiceField(choices=_blank(Responsibility.choices), required=False, label=_("责任程度"))
    court = forms.CharField(required=False, max_length=100, label=_("受理法院"))
    case_number = forms.CharField(required=False, max_length=60, label=_("案号"))
    instance = forms.ChoiceField(choices=_blank(Instance.choices), required=False, label=_("审级"))
    cause = forms.CharField(required=False, max_length=100, label=_("案由"))

    KIND_OF = {"channel": "complaint", "reply_due_on": "complaint", "claim_amount": "dispute lawsuit",
               "resolution": "dispute", "determined_by": "malpractice", "determined_on": "malpractice",
               "accident_grade": "malpractice", "responsibility": "malpractice", "court": "lawsuit",
               "case_number": "lawsuit", "instance": "lawsuit", "cause": "lawsuit"}

    def __init__(self, *args, institutions, departments, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["department"].queryset = departments
        self.fields["adverse_events"].queryset = events
        self.fields["department"].label_from_instance = lambda d: f"{d.institution.code} · {d.name}"
        self.fields["adverse_events"].label_from_instance = lambda e: f"#{e.pk} {e.department.name} {e.occurred_at:%Y-%m-%d}"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            if name in self.KIND_OF:
                field.widget.attrs["data-kind"] = self.KIND_OF[name]


class StepForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), max_length=5000, label=_("说明"))
    on = forms.DateField(required=False, label=_("日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    compensation = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2, label=_("赔偿/补偿金额（元）"),
                                      widget=forms.NumberInput(attrs={"class": "form-control"}))
    hospital_paid = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2, label=_("医院承担金额（元）"),
                                       widget=forms.NumberInput(attrs={"class": "form-control"}))
    resolution = forms.ChoiceField(choices=_blank(Resolution.choices), required=False, label=_("解决途径"),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    lessons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                              max_length=5000, label=_("经验教训与改进措施"))
