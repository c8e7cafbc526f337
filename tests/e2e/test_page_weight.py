"""Page weight, measured in Chromium as a student's browser receives it (explorer/cli/bench/weight.py): the first
load of /digit through the shipped HAProxy, and what each stroke brings over the websocket."""

from __future__ import annotations

import statistics

import pytest

from explorer.cli.bench import weight

pytestmark = pytest.mark.e2e

STROKE_BUDGET = 60_000  # bytes received per stroke, median over ten strokes (issue 20)
# The goal for the first load: 2.5 MB through the shipped proxy. Measured 1.89 MB since the Digit page's
# first view is drawn without Plotly (explorer/figures/light.py): Plotly's script (2.2 MB after the proxy's
# gzip) is fetched only when a section with a Plotly chart is opened, after the first prediction.
FIRST_LOAD_BUDGET = 2_500_000


@pytest.fixture(scope="module")
def proxied():
    with weight.proxied_app() as (proxy, bare):
        yield proxy, bare


def test_a_stroke_receives_at_most_60_kb(browser, proxied):
    proxy, _ = proxied
    sizes, _, extensions = weight.strokes(browser, proxy)
    assert len(sizes) == weight.STROKES and min(sizes) > 1_000, sizes  # every stroke's run was counted
    assert statistics.median(sizes) <= STROKE_BUDGET, sizes  # as the page reads them (decompressed)
    assert "permessage-deflate" in extensions  # and compressed on the wire, through the proxy


def test_the_first_load_through_the_proxy_is_compressed(browser, proxied):
    proxy, bare = proxied
    through_proxy = weight.first_load(browser, proxy)
    straight = weight.first_load(browser, bare)
    assert through_proxy <= FIRST_LOAD_BUDGET, through_proxy
    assert through_proxy < 0.6 * straight, (through_proxy, straight)
