from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def signed(value: Decimal | None) -> str:
    """A change with its sign, 2 decimals: +0.35 / −1.20 / 0."""
    if value is None:
        return "—"
    q = Decimal(value).quantize(Decimal("0.01"))
    if q == 0:
        return "0"
    return f"+{q}" if q > 0 else f"−{abs(q)}"


@register.filter
def change_class(value: Decimal | None, direction: str) -> str:
    """Green when the change goes the indicator's way, red when it goes against it."""
    if value is None or value == 0:
        return ""
    good = (value > 0) == (direction == "higher")
    return "ind-change-good" if good else "ind-change-bad"


@register.filter
def num(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    q = Decimal(value).quantize(Decimal(1).scaleb(-int(places)))
    return f"{q:f}"


COUNT_UNITS = {"人次", "例次", "例", "人", "次", "个", "台", "件"}


@register.filter
def amount(value: Decimal | None, unit: str | None = "") -> str:
    """A value in its indicator's unit: counts ("626人次") whole, rates and ratios to two places (issue 14)."""
    if value is not None and (unit or "").strip() in COUNT_UNITS:
        return whole(value)
    return num(value, 2)


@register.filter
def whole(value: Decimal | None) -> str:
    if value is None:
        return "—"
    d = Decimal(value)
    return f"{d.quantize(Decimal(1)):f}" if d == d.to_integral_value() else f"{d.normalize():f}"


@register.filter
def status_name(value: str) -> str:
    from indicators.workflow import ReportStatus

    return str(dict(ReportStatus.choices).get(value, value or "—"))


@register.inclusion_tag("indicators/_verdicts.html")
def intervention_verdicts(source_kind: str, source_id: int, institution_id: int) -> dict:
    """On an action's page beside its verification: the indicators it aims to move and whether they moved."""
    from django.utils import timezone

    from indicators.selectors import _last_month
    from indicators.selectors import intervention_verdicts as verdicts

    items = verdicts(institution_id=institution_id, until=_last_month(timezone.localdate()),
                     source_kind=source_kind, source_id=source_id)
    return {"items": items}
