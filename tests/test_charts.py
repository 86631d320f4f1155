import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal

from weasyprint import HTML

from qms.charts import bar_chart, run_chart

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if the markup is not well-formed XML


def test_it_draws_a_run_chart_with_target_limits_and_signals():
    points = [(f"2025-{m:02d}", Decimal("1.2") + Decimal(m) / 10) for m in range(1, 13)]
    svg = run_chart(points, target=Decimal("1.8"), center=1.8, ucl=2.6, lcl=0.9, signals=[11], title="再手术率",
                    unit="‰")
    root = _parse(svg)
    assert root.get("viewBox") == "0 0 640 260"
    assert len(root.findall(f"{NS}circle[@class='point']")) == 11
    assert len(root.findall(f"{NS}circle[@class='signal']")) == 1
    assert root.find(f"{NS}line[@class='target']") is not None
    assert root.find(f"{NS}line[@class='center']") is not None
    assert root.find(f"{NS}path[@class='ucl']") is not None
    assert root.find(f"{NS}path[@class='lcl']") is not None
    assert "再手术率" in svg and "<script" not in svg


def test_it_breaks_the_line_at_a_gap_and_steps_varying_limits():
    points = [("1月", 10), ("2月", None), ("3月", 12), ("4月", 11)]
    svg = run_chart(points, ucl=[15, None, 16, 14], lcl=[5, None, 6, 7])
    root = _parse(svg)
    series = root.find(f"{NS}path[@class='series']").get("d")
    assert series.count("M") == 2  # two pen-down runs around the gap
    assert root.find(f"{NS}path[@class='ucl']").get("d").count("M") == 3


def test_it_escapes_every_text():
    evil = '<script>alert("x")</script>&'
    svg = run_chart([(evil, 1), ("b", 2)], title=evil, unit=evil)
    svg2 = bar_chart([evil, "二"], [1, 2], title=evil)
    for s in (svg, svg2):
        _parse(s)
        assert "<script>" not in s
        assert "&lt;script&gt;" in s


def test_it_shows_no_data_without_failing():
    for svg in (run_chart([]), run_chart([("1月", None)]), bar_chart([], [])):
        assert "暂无数据" in svg
        _parse(svg)


def test_it_draws_bars_with_their_values():
    svg = bar_chart(["心内科", "普外科", "骨科"], [3, 0, Decimal("7.5")], title="各科室报告例数")
    root = _parse(svg)
    assert len(root.findall(f"{NS}rect[@class='bar']")) == 3
    assert "7.5" in svg and "心内科" in svg


def test_it_flat_series_gets_a_range():
    _parse(run_chart([("a", 5), ("b", 5)], target=5))


def test_it_renders_inside_a_weasyprint_pdf(tmp_path):
    svg = run_chart([(f"{m}月", m) for m in range(1, 13)], target=6, ucl=11, lcl=1, signals=[11], title="测试图表")
    bars = bar_chart(["甲", "乙"], [1, 2], title="条形图")
    pdf = HTML(string=f"<html><body style='font-family: Noto Sans CJK SC'>{svg}{bars}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
    out = tmp_path / "c.pdf"
    out.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "测试图表" in text and "条形图" in text  # SVG text is real text in the PDF (vector, not raster)
