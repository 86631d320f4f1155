from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator


class IndicatorChoiceField(forms.ModelChoiceField):
    """An indicator by code and name, the name in the reader's language (reference data, qms/reference_msgids.py)."""

    def label_from_instance(self, obj: Indicator) -> str:  # type: ignore[override]
        return f"{obj.code} {gettext(obj.name)}"


class ValueForm(forms.Form):
    indicator = IndicatorChoiceField(queryset=Indicator.objects.none(), label=_("指标"), to_field_name="code")
    department = forms.ChoiceField(label=_("科室"), required=False)
    period = forms.CharField(label=_("月份"), help_text=_("YYYY-MM"), max_length=7)
    numerator = forms.CharField(label=_("分子"), max_length=20)
    denominator = forms.CharField(label=_("分母"), max_length=20, required=False)

    def __init__(self, *args, indicators, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["indicator"]).queryset = indicators
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", _("全院"))] + [(d.code, d.name) for d in departments]
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")


class ReportForm(forms.Form):
    self_check = forms.CharField(label=_("自查情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    problems = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    measures = forms.CharField(label=_("改进措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, indicators, initial_values=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        initial_values = initial_values or {}
        for f in ("self_check", "problems", "measures"):
            self.fields[f].widget.attrs["class"] = "form-control"
        for ind in self.indicators:
            num, den = initial_values.get(ind.code, (None, None))
            self.fields[f"num_{ind.code}"] = forms.CharField(
                required=False, max_length=20, initial=num, label=_("分子"),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}),
            )
            if ind.kind != Indicator.Kind.COUNT:
                self.fields[f"den_{ind.code}"] = forms.CharField(
                    required=False, max_length=20, initial=den, label=_("分母"),
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}),
                )

    def value_rows(self) -> list[dict]:
        rows = []
        for ind in self.indicators:
            num = self[f"num_{ind.code}"]
            den = self[f"den_{ind.code}"] if f"den_{ind.code}" in self.fields else None
            rows.append({"indicator": ind, "num": num, "den": den,
                         "errors": [*num.errors, *(den.errors if den is not None else [])]})
        return rows

    def error_summary(self) -> list[dict]:
        """What failed, for the summary at the top of the page: the indicator (or section) and its messages,
        each with the id of the field to jump to."""
        summary: list[dict] = []
        for row in self.value_rows():
            if row["errors"]:
                summary.append({"label": row["indicator"].name, "code": row["indicator"].code,
                                "anchor": row["num"].id_for_label, "messages": row["errors"]})
        for name in ("self_check", "problems", "measures"):
            if self[name].errors:
                summary.append({"label": self.fields[name].label, "code": "", "anchor": self[name].id_for_label,
                                "messages": list(self[name].errors)})
        return summary

    def values(self) -> dict[str, tuple]:
        return {
            ind.code: (self.cleaned_data.get(f"num_{ind.code}"), self.cleaned_data.get(f"den_{ind.code}"))
            for ind in self.indicators
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 工作簿（.xlsx）"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))
