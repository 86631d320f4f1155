from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportForm(forms.Form):
    text = forms.CharField(label=_("整改情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))


class VerifyForm(forms.Form):
    text = forms.CharField(label=_("确认意见"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text=_("仅用于误判的问题；整改记录保留，不删除。"))


class ReopenForm(forms.Form):
    text = forms.CharField(label=_("重新整改的原因"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    due_on = forms.DateField(label=_("新的整改期限"), required=False,
                             widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                             help_text=_("不填则给予与首次相同的整改时长。"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料（PDF、图片、Word、Excel）"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
