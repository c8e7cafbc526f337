"""SpecFigure hands Streamlit exactly what an ordinary, validated go.Figure would, without building it."""

from __future__ import annotations

import base64
import struct

import numpy as np
import plotly.graph_objects as go
import pytest

from explorer.figures import palette  # noqa: F401  (registers the default template)
from explorer.figures.spec import SpecFigure


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
    reference = go.Figure(data=data, layout=layout, frames=frames).to_dict()  # plotly's own, built independently
    assert fig.to_dict() == reference
    # sending twice changes nothing: the spec keeps its arrays (not replaced by their encoding) and a second
    # send is again plotly's own
    assert isinstance(fig.spec["data"][0]["z"], np.ndarray)
    assert fig.to_dict() == reference


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
