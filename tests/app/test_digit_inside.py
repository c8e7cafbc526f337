"""AppTest of the 'inside the CNN' views on the Digit page: each layer opens its detail; bad settings get a message."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.data import digits
from explorer.models import compiled
from tests.support.apptest import assert_clean, assert_download_draws, new_app
from tests.support.light_figures import light_figure
from tests.support.plotly_arrays import decode

SAMPLE = 7


@pytest.fixture(scope="module")
def traced():
    x = digits.to_model_input(digits.load_heldout().images[SAMPLE : SAMPLE + 1])
    cnn = compiled.load_reader("digit-cnn")
    return cnn, cnn.trace(x)


@pytest.fixture
def at():
    app = new_app()
    app.switch_page("explorer/app/pages/digit/page.py")
    app.session_state["digit_source"] = "sample"
    app.session_state["sample_index"] = SAMPLE
    app.session_state["inside-open-lasting"] = True  # both sections opened, as a student opens them
    app.session_state["playground-open-lasting"] = True
    app.run()
    assert_clean(app)
    return app


def test_the_sections_run_only_when_opened():
    """Closed (as the page opens), the layers and the playground send nothing; each opens on its own."""
    app = new_app()
    app.switch_page("explorer/app/pages/digit/page.py")
    app.session_state["digit_source"] = "sample"
    app.session_state["sample_index"] = SAMPLE
    app.run()
    assert_clean(app)
    heavy = {"inside-overview-chart", "inside-conv-animation", "pg-result-chart", "pg-animation"}
    assert len(light_figure(app, "cnn-probs").values) == 10 and not heavy & _charts(app)
    app.session_state["playground-open-lasting"] = True
    app.run()
    assert_clean(app)
    assert {"pg-result-chart", "pg-animation"} <= _charts(app) and "inside-overview-chart" not in _charts(app)
    app.session_state["inside-open-lasting"] = True
    app.run()
    assert_clean(app)
    assert heavy <= _charts(app)


def _chart(at, key: str) -> dict:
    charts = [e for e in at.get("plotly_chart") if e.proto.id.endswith(f"-{key}")]
    assert len(charts) == 1, f"no chart {key}"
    return json.loads(charts[0].proto.spec)


def _charts(at) -> set[str]:
    return {e.proto.id.split("-", 2)[-1] for e in at.get("plotly_chart")}


def _detail_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_no_inside_views_without_a_digit():
    app = new_app()
    app.switch_page("explorer/app/pages/digit/page.py")
    app.run()
    assert_clean(app)
    assert "inside-overview-chart" not in _charts(app)


@pytest.mark.parametrize(
    "layer,expected_chart,expected_text",
    [
        ("input", None, "the 28 × 28 preprocessed digit"),
        ("conv1", "inside-conv-animation", "conv1, map 0"),
        ("relu1", "inside-relu", "ReLU 1, map 0"),
        ("pool1", "inside-pool-animation", "pool1, map 0"),
        ("conv2", "inside-conv-animation", "conv2, map 0"),
        ("relu2", "inside-relu", "ReLU 2, map 0"),
        ("pool2", "inside-pool-animation", "pool2, map 0"),
        ("logits", "inside-dense", "Flatten → dense → softmax"),
        ("probs", "inside-dense", "Flatten → dense → softmax"),
    ],
)
def test_each_layer_opens_its_detail(at, layer, expected_chart, expected_text):
    at.segmented_control(key="layer").set_value(layer).run()
    assert_clean(at)
    assert "inside-overview-chart" in _charts(at)
    details = {"inside-conv-animation", "inside-relu", "inside-pool-animation", "inside-dense"}
    assert _charts(at) & details == ({expected_chart} if expected_chart else set())
    assert expected_text in _detail_text(at)


def test_selected_conv2_map_animates_the_traced_row(at, traced):
    _, tr = traced
    at.segmented_control(key="layer").set_value("conv2").run()
    at.button_group(key="map").set_value(11).run()
    at.slider(key="row").set_value(4).run()
    assert_clean(at)
    assert "conv2, map 11" in _detail_text(at)
    spec = _chart(at, "inside-conv-animation")
    last = spec["frames"][-1]
    assert "out[4, 13]</b>" in last["layout"]["title"]["text"]
    assert f"{float(tr.conv2[0, 4, 13, 11]):+.3f}" in last["layout"]["title"]["text"]
    overview = _chart(at, "inside-overview-chart")
    assert len(overview["layout"]["shapes"]) == 1  # the selected map is outlined


def test_playground_shows_the_formula_and_the_output(at):
    at.slider(key="pg-size").set_value(5).run()
    at.slider(key="pg-stride").set_value(2).run()
    at.slider(key="pg-dilation").set_value(2).run()
    assert_clean(at)
    n = (28 + 2 * 1 - 2 * 4 - 1) // 2 + 1
    assert any(f"= {n}" in latex.value for latex in at.latex)
    spec = _chart(at, "pg-result-chart")
    assert spec["layout"]["annotations"][2]["text"] == f"output {n} × {n}"


def test_playground_without_output_shows_a_message(at):
    at.segmented_control(key="pg-input-side").set_value(7).run()
    at.slider(key="pg-size").set_value(7).run()
    at.slider(key="pg-padding").set_value(0).run()
    at.slider(key="pg-dilation").set_value(3).run()
    assert_clean(at)
    assert any("No output" in w.value for w in at.warning)
    assert "pg-animation" not in _charts(at)
    # back to a setting that fits: the output returns
    at.slider(key="pg-dilation").set_value(1).run()
    assert_clean(at)
    assert "pg-animation" in _charts(at)


def test_edge_kernel_of_size_one_is_explained(at):
    at.selectbox(key="pg-kernel").set_value("Sobel: bright right of dark").run()
    at.slider(key="pg-size").set_value(1).run()
    assert_clean(at)
    assert any("at least 2 × 2" in i.value for i in at.info)


def test_learned_kernel_is_conv1s_weights(at, traced):
    cnn, _ = traced
    at.selectbox(key="pg-kernel").set_value("learned conv1 filter 3").run()
    assert_clean(at)
    spec = _chart(at, "pg-result-chart")
    kernel = decode(spec["data"][1]["z"])
    assert kernel.shape == (3, 3)
    np.testing.assert_allclose(kernel, np.asarray(cnn.model.conv1.kernel[...])[:, :, 0, 3], atol=1e-3)


def test_the_chosen_layer_and_map_survive_a_visit_to_another_page(at):
    at.segmented_control(key="layer").set_value("conv2").run()
    at.button_group(key="map").set_value(11).run()
    at.switch_page("explorer/app/pages/guide/page.py").run()
    at.switch_page("explorer/app/pages/digit/page.py").run()
    assert_clean(at)
    assert at.segmented_control(key="layer").value == "conv2"
    assert at.button_group(key="map").value == 11


def test_download_as_html_is_the_convolution_animation_with_its_frames(at, traced, downloads):
    _, tr = traced
    at.segmented_control(key="layer").set_value("conv1").run()
    at.button_group(key="map").set_value(2).run()
    at.slider(key="row").set_value(9).run()
    assert_clean(at)
    frame = at.session_state["frame"]
    figure = assert_download_draws(at, downloads, "inside-conv-animation-html", "inside-conv-animation", frame)
    assert len(figure["frames"]) > 1 and figure["layout"]["updatemenus"], "no frames to play"
    last = figure["frames"][-1]["layout"]["title"]["text"]
    assert "out[9, 27]</b>" in last and f"{float(tr.conv1[0, 9, 27, 2]):+.3f}" in last  # the traced value, last


@pytest.mark.parametrize("sent", ["yes", 1e308, None])
def test_a_section_state_that_is_not_true_or_false_closes_it(sent):
    """A tampered client's value for a section's open state (it reaches the page through the section's callback)
    closes the section instead of failing the page."""
    app = new_app()
    app.switch_page("explorer/app/pages/digit/page.py")
    app.session_state["digit_source"], app.session_state["sample_index"] = "sample", SAMPLE
    app.session_state["inside-open-lasting"] = sent
    app.run()
    assert_clean(app)
    assert len(light_figure(app, "cnn-probs").values) == 10 and "inside-overview-chart" not in _charts(app)
