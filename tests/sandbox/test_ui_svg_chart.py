"""The inline-SVG charts: data points carry their numbers, text is escaped, bad data is refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from postmark.sandbox.ui.svg_chart import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _tree(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # also proves the markup is well-formed XML


def _points(root: ET.Element, tag: str) -> list[tuple[str, str, str]]:
    return [
        (e.get("data-series", ""), e.get("data-label", ""), e.get("data-value", ""))
        for e in root.iter(SVG + tag)
        if e.get("data-value") is not None
    ]


def test_line_chart_has_a_point_per_label_and_series_with_its_value() -> None:
    days = ["2024-05-01", "2024-05-02", "2024-05-03"]
    svg = line_chart(
        "activity", "Activity", days, [Series("Sent", [3, 0, 7]), Series("Bounced", [1, 0, 2])]
    )
    root = _tree(svg)
    assert _points(root, "circle") == [
        ("Sent", "2024-05-01", "3"),
        ("Sent", "2024-05-02", "0"),
        ("Sent", "2024-05-03", "7"),
        ("Bounced", "2024-05-01", "1"),
        ("Bounced", "2024-05-02", "0"),
        ("Bounced", "2024-05-03", "2"),
    ]
    tooltips = [t.text for c in root.iter(SVG + "circle") for t in c.iter(SVG + "title")]
    assert tooltips[2] == "Sent, 2024-05-03: 7"
    legend = [t.text for g in root.iter(SVG + "g") if g.get("class") == "legend" for t in g]
    assert [t for t in legend if t] == ["Sent", "Bounced"]


def test_higher_values_are_drawn_higher_and_zero_sits_on_the_axis() -> None:
    root = _tree(line_chart("c", "C", ["a", "b", "c"], [Series("S", [0, 5, 10])]))
    ys = [float(c.get("cy", "0")) for c in root.iter(SVG + "circle")]
    assert ys[0] > ys[1] > ys[2]
    axis = [ln for ln in root.iter(SVG + "line") if ln.get("stroke") == "#4b5563"]
    x_axis_y = max(float(ln.get("y1", "0")) for ln in axis)
    assert ys[0] == pytest.approx(x_axis_y)


def test_y_ticks_are_round_numbers_covering_the_peak() -> None:
    root = _tree(line_chart("c", "C", ["a", "b"], [Series("S", [0, 7])]))
    ticks = [int(t.text or "") for t in root.iter(SVG + "text") if (t.text or "").isdigit()]
    assert ticks == [0, 2, 4, 6, 8]


def test_chart_is_named_for_assistive_technology() -> None:
    svg = line_chart("c1", "Sends per day", ["a"], [Series("S", [1])], description="One day.")
    root = _tree(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(SVG + "title").text == "Sends per day"  # type: ignore[union-attr]
    assert root.find(SVG + "desc").text == "One day."  # type: ignore[union-attr]


def test_every_text_is_escaped() -> None:
    evil = '<script>alert(1)</script>"&'
    svg = line_chart(evil, evil, [evil], [Series(evil, [1])], description=evil)
    svg += bar_chart("b", evil, [evil], [2], series_name=evil)
    assert "<script" not in svg
    assert 'alert(1)</script>"' not in svg
    root = _tree(line_chart("x", evil, [evil], [Series(evil, [1])]))
    assert root.find(SVG + "title").text == evil  # type: ignore[union-attr]
    assert _points(root, "circle") == [(evil, evil, "1")]


def test_no_external_reference_or_script() -> None:
    svg = line_chart("c", "C", ["a", "b"], [Series("S", [1, 2])]) + bar_chart(
        "b", "B", ["x"], [1], series_name="N"
    )
    assert not re.search(r"href|url\(|<script|<style|style=|<image|<foreignObject", svg)


def test_bar_chart_bars_carry_values_and_print_them() -> None:
    root = _tree(bar_chart("b", "Bounces", ["HardBounce", "Transient"], [4, 1], series_name="N"))
    assert _points(root, "rect") == [("N", "HardBounce", "4"), ("N", "Transient", "1")]
    heights = [float(r.get("height", "0")) for r in root.iter(SVG + "rect")]
    assert heights[0] == pytest.approx(4 * heights[1])
    printed = [t.text for t in root.iter(SVG + "text")]
    assert "4" in printed and "HardBounce" in printed


def test_single_day_and_all_zero_charts_still_draw() -> None:
    root = _tree(line_chart("c", "C", ["2024-05-01"], [Series("S", [0])]))
    assert _points(root, "circle") == [("S", "2024-05-01", "0")]
    assert list(root.iter(SVG + "polyline")) == []


def test_many_labels_are_thinned_but_the_last_stays() -> None:
    labels = [f"d{i}" for i in range(40)]
    root = _tree(line_chart("c", "C", labels, [Series("S", [1] * 40)]))
    shown = [t.text for t in root.iter(SVG + "text") if (t.text or "").startswith("d")]
    assert 2 <= len(shown) <= 13
    assert shown[0] == "d0" and shown[-1] == "d39"
    assert len(_points(root, "circle")) == 40


@pytest.mark.parametrize(
    ("values", "message"),
    [([1], "has 1 values for 2 labels"), ([1, -1], "value -1"), ([1, float("nan")], "value nan")],
)
def test_bad_series_are_refused(values: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        line_chart("c", "C", ["a", "b"], [Series("S", values)])
    with pytest.raises(ValueError, match=re.escape(message)):
        bar_chart("c", "C", ["a", "b"], values, series_name="S")


def test_a_line_chart_needs_a_series() -> None:
    with pytest.raises(ValueError, match="at least one series"):
        line_chart("c", "C", ["a"], [])


def test_x_labels_sit_under_their_points_and_bars() -> None:
    root = _tree(line_chart("c", "C", ["a", "b", "c"], [Series("S", [1, 2, 3])]))
    dots = [float(c.get("cx", "0")) for c in root.iter(SVG + "circle")]
    names = {t.text: t for t in root.iter(SVG + "text") if t.text in ("a", "b", "c")}
    assert [float(names[n].get("x", "0")) for n in "abc"] == pytest.approx(dots)
    assert [names[n].get("text-anchor") for n in "abc"] == ["start", "middle", "end"]
    bars = _tree(bar_chart("b", "B", ["x", "y"], [1, 2], series_name="N"))
    rects = [r for r in bars.iter(SVG + "rect")]
    centres = [float(r.get("x", "0")) + float(r.get("width", "0")) / 2 for r in rects]
    labels = {t.text: float(t.get("x", "0")) for t in bars.iter(SVG + "text") if t.text in "xy"}
    assert [labels["x"], labels["y"]] == pytest.approx(centres)
