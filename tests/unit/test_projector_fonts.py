"""Presenter mode's figures: every text at least 20 px, checked on hand-made specs and on a real figure."""

import numpy as np

from explorer.figures import digits as digit_figures
from explorer.figures.projector import PROJECTED_MIN_PX, SCALE, projected_spec


def _sizes(value, key=""):
    """Every (path key, size) of a font-like dict in a spec."""
    if isinstance(value, dict):
        found = [(key, value["size"])] if key.endswith("font") and "size" in value else []
        return found + [s for k, v in value.items() for s in _sizes(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _sizes(v)]
    return []


def test_small_sizes_rise_to_the_minimum_and_large_ones_scale():
    spec = {
        "data": [{"type": "bar", "y": np.arange(3), "textfont": {"size": 13}}],
        "layout": {
            "annotations": [{"text": "a", "font": {"size": 14}}, {"text": "b", "font": {"size": 30}}],
            "xaxis": {"tickfont": {"size": 11}, "title": {"text": "x", "font": {"size": 12}}},
            "title": {"text": "t"},
        },
        "frames": [{"data": [{"textfont": {"size": 9}}]}],
    }
    out = projected_spec(spec).spec
    assert out["data"][0]["textfont"]["size"] == PROJECTED_MIN_PX
    assert [a["font"]["size"] for a in out["layout"]["annotations"]] == [PROJECTED_MIN_PX, round(30 * SCALE)]
    assert out["layout"]["xaxis"]["tickfont"]["size"] == PROJECTED_MIN_PX
    assert out["layout"]["xaxis"]["title"]["font"]["size"] == PROJECTED_MIN_PX
    assert out["layout"]["font"]["size"] == PROJECTED_MIN_PX  # what every text without its own size inherits
    assert out["layout"]["title"]["font"]["size"] == round(PROJECTED_MIN_PX * 1.2)
    assert out["frames"][0]["data"][0]["textfont"]["size"] == PROJECTED_MIN_PX
    # the template's own axis sizes (14 / 15 px) are overridden on every axis, the default pair included
    assert out["layout"]["yaxis"]["tickfont"]["size"] == PROJECTED_MIN_PX
    assert spec["data"][0]["textfont"]["size"] == 13  # the laptop's figure is left as it was
    assert out["data"][0]["y"] is spec["data"][0]["y"]  # arrays shared, not copied


def test_a_log_axis_keeps_only_its_powers_of_ten():
    # Plotly writes a log axis's 2s and 5s at 3/4 of the tick size: under the minimum, so they are left out
    out = projected_spec({"data": [], "layout": {"yaxis2": {"type": "log"}}}).spec["layout"]
    assert out["yaxis2"]["dtick"] == 1 and out["yaxis2"]["tickfont"]["size"] == PROJECTED_MIN_PX


def test_a_real_figure_has_no_text_under_the_minimum_and_stays_valid():
    fig = digit_figures.probability_bars(np.full(10, 0.1), "CNN (all pixels at once)", "#1f77b4")
    projected = projected_spec(fig.spec)
    sizes = _sizes(projected.spec)
    assert sizes and min(size for _, size in sizes) >= PROJECTED_MIN_PX
    assert min(size for _, size in _sizes(fig.spec)) < PROJECTED_MIN_PX  # the test can fail: the original is smaller
    projected.validated()  # Plotly accepts it
