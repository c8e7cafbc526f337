"""SpecFigure hands Streamlit exactly what an ordinary, validated go.Figure would, without building it."""

from __future__ import annotations

import base64
import struct

import numpy as np
import plotly.graph_objects as go
import pytest

from explorer.figures import palette
from explorer.figures.spec import SpecFigure
from tests.support.plotly_arrays import plain


def _spec():
    z = np.arange(12, dtype=np.float32).reshape(3, 4)
    data = [dict(type="heatmap", z=z, colorscale="RdBu_r", colorbar=dict(title=dict(text="h")))]
    layout = dict(
        height=300, title=dict(text="t", font=dict(size=16)), shapes=[dict(type="rect", x0=0, x1=1, y0=0, y1=1)]
    )
    frames = [dict(name="0", layout=dict(shapes=[dict(type="rect", x0=1, x1=2, y0=0, y1=1)]))]
    return data, layout, frames


def test_to_dict_equals_the_validated_figures_own():
    data, layout, frames = _spec()
    fig = SpecFigure(data=data, layout=layout, frames=frames)
    # plotly's own, built independently, with the app's template
    reference = go.Figure(data=data, layout={**layout, "template": palette.TEMPLATE}, frames=frames).to_dict()
    sent = fig.to_dict()
    # the numbers are the same (whole numbers sent as 8-bit integers: _compact), and so is everything else …
    assert plain(sent["data"]) == plain(reference["data"]) and plain(sent["frames"]) == plain(reference["frames"])
    assert sent["data"][0]["z"]["dtype"] == "i1"
    full = reference["layout"].pop("template")
    template = sent["layout"].pop("template")
    assert sent["layout"] == reference["layout"]
    # … but the template: only the defaults of the trace types the figure has, none for subplots it has not, and
    # no default colour scales (a heatmap's own trace defaults carry its scale)
    assert template["data"] == {"heatmap": full["data"]["heatmap"]}
    unused = ("polar", "ternary", "scene", "geo", "colorscale", "coloraxis")
    assert template["layout"] == {k: v for k, v in full["layout"].items() if k not in unused}
    # sending twice changes nothing: the spec keeps its arrays (not replaced by their encoding)
    assert isinstance(fig.spec["data"][0]["z"], np.ndarray) and fig.spec["data"][0]["z"].dtype == np.float32
    assert fig.to_dict() == {**sent, "layout": {**sent["layout"], "template": template}}
    assert fig.to_dict() == fig.validated().to_dict()  # and plotly accepts it as sent


def test_a_figure_without_colour_scales_is_sent_none():
    fig = SpecFigure(
        data=[dict(type="bar", x=["a", "b"], y=np.array([0.25, 0.75]), marker=dict(color="red"))], layout={}
    )
    template = fig.to_dict()["layout"]["template"]
    assert set(template["data"]) == {"bar"} and "colorscale" not in template["layout"]
    coloured = SpecFigure(
        data=[dict(type="bar", y=np.array([1.0, 2.0]), marker=dict(color=np.array([0.5, 1.5])))], layout={}
    )
    assert "colorscale" in coloured.to_dict()["layout"]["template"]["layout"]  # numbers as colours need the scale


def test_whole_numbers_are_sent_as_small_integers_and_fractions_as_they_are():
    sent = lambda v: SpecFigure(data=[dict(type="scatter", x=v)], layout={}).to_dict()["data"][0]["x"]
    assert plain(sent(np.array([0.0, 3.0, -7.0], np.float32))) == [0, 3, -7]
    assert sent(np.array([0.0, 3.0, -7.0], np.float32))["dtype"] == "i1"
    assert sent(np.array([0.0, 300.0], np.float64))["dtype"] == "i2"
    assert sent(np.array([0.5, 3.0], np.float32))["dtype"] == "f4"  # a fraction: stays a float
    assert sent(np.array([1.0, np.nan], np.float32))["dtype"] == "f4"  # a gap: stays a float (NaN)
    assert sent(np.array([1.0, 1e6], np.float32))["dtype"] == "f4"  # beyond 16 bits: stays a float


def test_arrays_are_sent_as_typed_arrays_of_their_values():
    fig = SpecFigure(data=[dict(type="heatmap", z=np.array([[1.5, -2.0], [0.0, 4.25]], np.float32))], layout={})
    z = fig.to_dict()["data"][0]["z"]
    # by hand: four little-endian float32s, row by row, in a 2 × 2 shape
    expected = base64.b64encode(struct.pack("<4f", 1.5, -2.0, 0.0, 4.25)).decode()
    assert z == {"dtype": "f4", "bdata": expected, "shape": "2, 2"}


def test_reading_the_tree_validates_and_invalid_specs_raise():
    data, layout, _ = _spec()
    fig = SpecFigure(data=data, layout=layout)
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), data[0]["z"])
    assert fig.layout.height == 300
    with pytest.raises(ValueError):
        SpecFigure(data=data, layout={**layout, "heigth": 3}).validated()


def test_figures_keep_the_apps_template_when_streamlit_is_imported_after_them():
    """Importing streamlit's plotly_chart module sets Plotly's default template to Streamlit's own; a figure made in
    a process that imported the figures first (a test run, a CLI) is still sent the app's template. In a fresh
    interpreter, so that the import order is the one under test."""
    import subprocess
    import sys

    script = (
        "import json, plotly.graph_objects as go\n"
        "from explorer.figures import palette\n"
        "from explorer.figures.spec import SpecFigure\n"
        "import streamlit, plotly.io as pio\n"
        "assert pio.templates.default == 'streamlit', pio.templates.default  # the premise: Streamlit's, now\n"
        "fig = SpecFigure(data=[dict(type='bar', y=[1.0, 2.0])], layout={})\n"
        "sent = fig.to_dict()['layout']['template']\n"
        "ours = go.Figure(layout=dict(template=palette.TEMPLATE)).to_dict()['layout']['template']\n"
        "print(json.dumps([sent['data']['bar'] == ours['data']['bar'], sent['layout']['font'] == ours['layout']['font']]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[true, true]"
