"""A small class with a hostile student in it (explorer/cli/loadtest/hostile.py): decompression bombs on the canvas,
markup and absurd values in addresses, out-of-range widget values and a 200-rerun burst, while 4 ordinary students
draw. Nobody is shown an exception, every ordinary stroke is answered, and every hostile request gets an answer.
Speed and memory are measured by `python -m explorer loadtest --mode hostile`, not asserted here."""

from __future__ import annotations

import base64
import io
import warnings

import pytest
from PIL import Image

from explorer.cli.loadtest import hostile, servers

pytestmark = pytest.mark.load


def test_the_bomb_is_what_issue_18_describes():
    url = hostile.bomb_data_url()
    png = base64.b64decode(url.removeprefix("data:image/png;base64,"))
    assert 600_000 < len(png) < 700_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(png))
        assert image.size == (13_000, 13_000) and image.mode == "RGBA"
        assert image.crop((6_000, 12_990, 6_010, 13_000)).getextrema() == ((0, 0),) * 4  # zeros to the last row


def test_a_hostile_student_does_not_reach_the_others():
    with servers.app_processes(1) as (app,):
        report = hostile.run(
            app.url, app.pid, students_n=4, hostile_n=1, actions=4, think=1.0, ramp=1.0, baseline=False
        )
    with_hostile = report["with_hostile"]
    assert report["exceptions"] == 0, report["exception_samples"]
    assert with_hostile["errors"] == 0, with_hostile["problems"]
    assert with_hostile["stroke"]["count"] == 4 * 4 and with_hostile["open"]["count"] == 4  # every answer came
    assert set(with_hostile["hostile_actions"]) == {"bomb", "address", "widgets", "burst"}
    assert with_hostile["hostile_problems"] == []
    assert with_hostile["rss_peak_mb"] > 0
