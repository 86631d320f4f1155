from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from committees.models import Meeting, MeetingBody
from organizations.models import Department

User = get_user_model()


class PersonChoiceField(forms.ModelChoiceField):
    widget = forms.Select(attrs={"data-searchable": "1"})  # static/js/ui.js adds a filter box

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class BootstrapMixin:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class PlanForm(BootstrapMixin, forms.Form):
    body = forms.ModelChoiceField(queryset=MeetingBody.objects.none(), label=_("会议主体"))
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, label=_("会议类型"), initial=Meeting.Kind.MONTHLY)
    title = forms.CharField(label=_("会议名称"), required=False, max_length=200, help_text=_("留空则按主体和月份自动命名"))
    starts_at = forms.DateTimeField(label=_("会议时间"), widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("地点"), max_length=200)
    chair = PersonChoiceField(queryset=User.objects.none(), label=_("主持人"), required=False,
                              help_text=_("委员会专题会议由医院主要负责人主持（第十二条）；留空则为会议主体的主持人"))

    def __init__(self, *args: Any, bodies: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["body"]).queryset = bodies
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = people
        self._style()


class MeetingEditForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    starts_at = forms.DateTimeField(label=_("会议时间"), widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("地点"), max_length=200)
    chair = PersonChoiceField(queryset=User.objects.none(), label=_("主持人"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = people
        self._style()


class AgendaItemForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("议题"), max_length=300, widget=forms.TextInput(attrs={"placeholder": _("新议题")}))
    detail = forms.CharField(label=_("说明"), required=False,
                             widget=forms.Textarea(attrs={"rows": 1, "placeholder": _("说明（可选）")}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class DecisionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 2}))
    agenda_item = forms.TypedChoiceField(label=_("所属议题"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, agenda: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agenda_item"]).choices = [("", "—")] + [(a.pk, a.title[:60]) for a in agenda]
        self._style()


class ActionItemForm(BootstrapMixin, forms.Form):
    decision = forms.TypedChoiceField(label=_("决议"), coerce=int)
    title = forms.CharField(label=_("整改事项"), max_length=300)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("责任科室"), required=False)
    owner = PersonChoiceField(queryset=User.objects.none(), label=_("责任人"), required=False)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE_WIDGET, required=False)
    description = forms.CharField(label=_("要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, decisions: Any = (), departments: Any = None, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = [(d.pk, f"{i}. {d.text[:50]}") for i, d in enumerate(decisions, 1)]
        if departments is not None:
            cast(forms.ModelChoiceField, self.fields["department"]).queryset = departments
        if people is not None:
            cast(forms.ModelChoiceField, self.fields["owner"]).queryset = people
        self._style()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class DoneForm(BootstrapMixin, forms.Form):
    evidence_text = forms.CharField(label=_("落实情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("佐证材料（PDF、图片、Word、Excel）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("佐证材料（PDF、图片、Word、Excel）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class VerifyForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("核实意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class BodyForm(BootstrapMixin, forms.Form):
    chair = PersonChoiceField(queryset=User.objects.none(), label=_("主持人"))
    deputy_chair = PersonChoiceField(queryset=User.objects.none(), label=_("指定代为主持的副职（第十二条第二款）"), required=False)
    members = PeopleChoiceField(queryset=User.objects.none(), label=_("成员"), widget=forms.SelectMultiple(attrs={"size": 12}))
    quarterly_plenary = forms.BooleanField(label=_("每季度召开全体会议"), required=False)
    quorum_percent = forms.IntegerField(label=_("法定人数：出席须超过成员的百分比"), min_value=1, max_value=99)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = people
        cast(forms.ModelChoiceField, self.fields["deputy_chair"]).queryset = people
        cast(forms.ModelChoiceField, self.fields["members"]).queryset = people
        self._style()


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form, field by field where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
