from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from credentialing.workflow import ReviewOutcome

if TYPE_CHECKING:
    from credentialing.models import PrivilegeItem
    from staff.models import Staff

# An <input type="date"> only takes ISO dates: without the format, zh-hans renders 2026/12/03, which the browser
# drops, so the field would be submitted empty.
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2, "class": "form-control"})


class ApplyForm(forms.Form):
    staff: forms.ModelChoiceField[Staff] = forms.ModelChoiceField(queryset=None, label=_("人员"), widget=forms.Select(attrs={"class": "form-select"}))
    item: forms.ModelChoiceField[PrivilegeItem] = forms.ModelChoiceField(queryset=None, label=_("授权项目"), widget=forms.Select(attrs={"class": "form-select"}))
    valid_from = forms.DateField(label=_("授权起始日"), widget=DATE)
    valid_until = forms.DateField(label=_("授权截止日"), widget=DATE)
    basis = forms.CharField(label=_("申请依据（培训考核、既往例数等）"), widget=TEXT)
    training_passed = forms.BooleanField(label=_("已经本机构培训并考核合格"), required=False)

    def __init__(self, *args, staff_qs=None, item_qs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff"]).queryset = staff_qs
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = item_qs


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, widget=TEXT)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=TEXT)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("评估结论"), choices=ReviewOutcome.choices,
                                widget=forms.Select(attrs={"class": "form-select"}))
    new_valid_until = forms.DateField(label=_("续期至"), required=False, widget=DATE)
    restriction = forms.CharField(label=_("限定范围（缩小范围时填写）"), required=False,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=_("评估意见"), widget=TEXT)


class PrerequisitesForm(forms.Form):
    demonstrated_on = forms.DateField(label=_("论证日期"), required=False, widget=DATE)
    sop_reference = forms.CharField(label=_("标准操作规程（SOP）"), required=False,
                                    widget=forms.TextInput(attrs={"class": "form-control"}))
    ethics_approved_on = forms.DateField(label=_("伦理委员会审查通过日期"), required=False, widget=DATE)


class AssessForm(forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE)
    note = forms.CharField(label=_("评估结论"), widget=TEXT)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("补办说明"), widget=TEXT)
