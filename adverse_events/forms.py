from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adverse_events.models import LEVELS, AdverseEvent, EventAnalysis, EventType, SafetyGrade, SeverityLevel
from adverse_events.services import reporter_institution_ids, reporting_departments, validate_report
from adverse_events.workflow import ActionStatus
from organizations.models import Department

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


def style(form: forms.Form) -> None:
    """Bootstrap classes on every widget: the forms are used on ward computers and phones alike."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class TranslatedChoiceField(forms.ModelChoiceField):
    """Reference data (event types) offered under their English names in English (the catalogue)."""

    def label_from_instance(self, obj: Any) -> str:
        return gettext(str(obj))


def level_choices() -> list[tuple[str, StrOrPromise]]:
    mapping = {lv.code: lv for lv in SeverityLevel.objects.select_related("severity_class")}
    return [("", _("请选择"))] + [
        (c, _("%(level)s · %(meaning)s（%(cls)s）") % {
            "level": gettext(f"{c} 级"), "meaning": gettext(mapping[c].meaning),
            "cls": gettext(f"{mapping[c].severity_class.code} 类")} if c in mapping else c)
        for c in LEVELS
    ]


class ReportForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("发生科室"),
        error_messages={"required": _("请选择发生科室。"),
                        "invalid_choice": _("该科室不属于您所在的医疗机构，请选择本院科室。")},
    )
    place = forms.CharField(label=_("发生地点"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("如：12 病区 5 床")}))
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DT_WIDGET, input_formats=DATETIME_FORMATS,
                                      error_messages={"required": _("请填写发生时间。"),
                                                      "invalid": _("请按“年-月-日 时:分”填写时间。")})
    discovered_at = forms.DateTimeField(label=_("发现时间"), widget=DT_WIDGET, input_formats=DATETIME_FORMATS,
                                        error_messages={"required": _("请填写发现时间。"),
                                                        "invalid": _("请按“年-月-日 时:分”填写时间。")})
    event_type = TranslatedChoiceField(queryset=EventType.objects.filter(is_active=True), label=_("事件类型"),
                                        error_messages={"required": _("请选择事件类型。"),
                                                        "invalid_choice": _("该事件类型不存在。")})
    severity_level = forms.ChoiceField(label=_("伤害程度（初判）"), choices=(),
                                       error_messages={"required": _("请选择伤害程度。"),
                                                       "invalid_choice": _("伤害级别“%(value)s”不存在，请选择 A–I 级。")})
    description = forms.CharField(label=_("事件经过"), widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("请填写事件经过。")})
    immediate_actions = forms.CharField(label=_("已采取的处置措施"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    patient_age = forms.IntegerField(label=_("患者年龄"), required=False, min_value=0, max_value=130,
                                     error_messages={"min_value": _("患者年龄应在 0–130 岁之间。"),
                                                     "max_value": _("患者年龄应在 0–130 岁之间。"),
                                                     "invalid": _("患者年龄请填写整数。")})
    patient_sex = forms.ChoiceField(label=_("患者性别"), required=False,
                                    choices=[("", "—")] + list(AdverseEvent.Sex.choices))
    patient_record_no = forms.CharField(label=_("病案号（可选）"), max_length=40, required=False)
    anonymous = forms.BooleanField(label=_("匿名上报（不记录您的任何身份信息，凭回执码查询处理进度）"),
                                   required=False)
    attachments = MultipleFileField(label=_("附件（PDF、图片、Word、Excel）"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        dept_field = cast(forms.ModelChoiceField, self.fields["department"])
        dept_field.queryset = reporting_departments(user).order_by("institution__code", "kind", "code")
        if not self.is_bound and not self.initial.get("department"):
            # The reporter's own department first (issue 14): a ward nurse reports from her ward.
            own = (user.memberships.filter(department__isnull=False, department__is_active=True)
                   .order_by("pk").values_list("department_id", flat=True).first()
                   if getattr(user, "is_authenticated", False) else None)
            if own and dept_field.queryset.filter(pk=own).exists():
                self.initial["department"] = own
        cast(forms.ChoiceField, self.fields["severity_level"]).choices = level_choices()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        errors = validate_report(
            institution_ids=reporter_institution_ids(self.user),
            department=data.get("department"), occurred_at=data.get("occurred_at"),
            discovered_at=data.get("discovered_at"), severity_level=None, patient_age=None, now=timezone.now(),
        )
        for field, messages in errors.items():
            for m in messages:
                self.add_error(field, m)
        return data


class ClassifyForm(forms.Form):
    event_type = TranslatedChoiceField(queryset=EventType.objects.filter(is_active=True), label=_("事件类型"))
    severity_level = forms.ChoiceField(label=_("伤害级别"), choices=())
    safety_grade = forms.ChoiceField(label=_("医疗质量安全事件（卫医管发〔2011〕4号）"), choices=SafetyGrade.choices,
                                     required=False)
    reason = forms.CharField(label=_("依据/重新分类原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["severity_level"]).choices = level_choices()
        style(self)


class AnalysisForm(forms.Form):
    method = forms.ChoiceField(label=_("分析方法"), choices=[("", _("请选择"))] + list(EventAnalysis.Method.choices))
    contributing_factors = forms.CharField(label=_("促成因素"), widget=forms.Textarea(attrs={"rows": 3}))
    root_causes = forms.CharField(label=_("根本原因"), widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(label=_("分析结论"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("改进措施"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("责任科室"))
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(queryset=None, label=_("责任人"))
    due_on = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, institution: Any, department: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if department is not None:
            self.fields["owner_department"].initial = getattr(department, "pk", department)
        cast(forms.ModelChoiceField, self.fields["owner_department"]).queryset = Department.objects.filter(institution=institution, is_active=True)
        from committees.selectors import institution_persons

        # Active persons of the hospital, the event's department first (no HIS account, no post account).
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = institution_persons(institution, department=department)
        cast(forms.ModelChoiceField, self.fields["owner"]).label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[method-assign,assignment]  # Django allows a per-field label callable
        self.fields["owner"].widget.attrs["data-searchable"] = "1"
        style(self)


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=[(ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS.label),
                                        (ActionStatus.DONE, ActionStatus.DONE.label),
                                        (ActionStatus.CANCELLED, ActionStatus.CANCELLED.label)])
    note = forms.CharField(required=False)


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("回执码"), max_length=40,
                           widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off",
                                                         "placeholder": "XXXX-XXXX-XXXX-XXXX", "id": "id_code"}))
