"""Issue 14, numbers: a count shows whole ("626人次", never "626.00人次"); rates keep two places."""
from decimal import Decimal

from django.template import Context, Template

from indicators.templatetags.indicator_tags import amount


def test_counts_are_whole_and_rates_keep_two_places():
    assert amount(Decimal("626.00"), "人次") == "626"
    assert amount(Decimal("3.50"), "例次") == "3.5"
    assert amount(Decimal("96.2"), "%") == "96.20"
    assert amount(None, "人次") == "—"


def test_the_dashboard_cell_renders_a_count_without_decimals():
    html = Template("{% load indicator_tags %}{{ v|amount:u }}{{ u }}").render(
        Context({"v": Decimal("626.00"), "u": "人次"}))
    assert html == "626人次"
