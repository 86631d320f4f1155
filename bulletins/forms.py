from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.gather import shift_month
from bulletins.models import SECTIONS
from organizations.models import Institution


class BulletinStartForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("医疗机构"), to_field_name="code")
    period = forms.CharField(label=_("统计月份"), widget=forms.DateInput(attrs={"type": "month"}), max_length=7)

    def __init__(self, *args, institutions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions if institutions is not None else Institution.objects.none()
        if not self.is_bound:
            today = timezone.localdate()
            y, m = shift_month(today.year, today.month, -1)
            self.initial.setdefault("period", f"{y}-{m:02d}")
            first = institutions.first() if institutions is not None else None
            if first is not None:
                self.initial.setdefault("institution", first.code)

    def clean_period(self) -> tuple[int, int]:
        value = self.cleaned_data["period"].strip()
        try:
            parsed = dt.datetime.strptime(value, "%Y-%m")
        except ValueError:
            raise forms.ValidationError(_("期间格式应为 YYYY-MM，月份 01–12。")) from None
        return parsed.year, parsed.month


class BulletinCommentaryForm(forms.Form):
    foreword = forms.CharField(label=_("卷首语"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, title in SECTIONS:
            self.fields[f"c_{key}"] = forms.CharField(
                label=title, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )

    def commentary(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"c_{key}", "") for key, _t in SECTIONS}
