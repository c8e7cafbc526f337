"""The figures' colour scales stay readable with colour-vision deficiencies: each scale's colours, passed through
the Machado, Oliveira & Fernandes (2009) simulation of protanopia, deuteranopia and tritanopia (severity 1), keep
their order in lightness (sequential) or keep their two sides apart (diverging).

The simulation is the paper's 3 × 3 matrices on linear RGB; lightness is CIE L* (D65), distance CIE ΔE*ab.
"""

from __future__ import annotations

import numpy as np
import plotly.colors
import pytest

from explorer.figures import palette

# Machado et al. 2009, Table (severity 1.0): linear RGB → linear RGB as the dichromat sees it.
MACHADO = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
VISION = {"typical": np.eye(3), **MACHADO}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = SRGB_TO_XYZ.sum(axis=1)  # D65


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """(n, 3) linear RGB → (n, 3) CIE L*a*b*."""
    xyz = np.clip(linear_rgb, 0, 1) @ SRGB_TO_XYZ.T / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def _seen(scale_name: str, vision: str, n: int = 21) -> np.ndarray:
    """n colours evenly along the named Plotly scale, as L*a*b* seen with `vision`: (n, 3)."""
    scale = plotly.colors.get_colorscale(scale_name)
    samples = plotly.colors.sample_colorscale(scale, list(np.linspace(0, 1, n)), colortype="tuple")
    rgb = np.array(samples, dtype=np.float64)
    rgb = rgb * 255.0 if rgb.max() <= 1.0 else rgb
    return _lab(_linear(rgb) @ VISION[vision].T)


def test_the_simulation_keeps_greys_grey_and_makes_red_and_green_alike_for_red_green_deficiencies():
    # the paper's matrices map white to white (each row sums to 1): a grey scale is seen unchanged
    for m in MACHADO.values():
        np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=2e-3)
    red, green = _linear(np.array([[220.0, 50, 50]])), _linear(np.array([[50.0, 170, 50]]))
    apart = {v: np.linalg.norm(_lab(red @ m.T) - _lab(green @ m.T)) for v, m in VISION.items()}
    # a red/green pair that is far apart for typical vision collapses for protanopes and deuteranopes
    assert apart["typical"] > 80 and apart["protanopia"] < apart["typical"] / 2
    assert apart["deuteranopia"] < apart["typical"] / 2


@pytest.mark.parametrize("vision", list(VISION))
@pytest.mark.parametrize("scale", [palette.SEQUENTIAL, palette.INK_SCALE])
def test_sequential_scales_keep_their_order_in_lightness(scale, vision):
    lightness = _seen(scale, vision)[:, 0]
    steps = np.diff(lightness)
    # every step of 1/20 of the scale is lighter than the one before, by at least 1.5 L* (visible side by side)
    assert steps.min() >= 1.5, (scale, vision, np.round(lightness, 1))


@pytest.mark.parametrize("vision", list(VISION))
def test_the_diverging_scale_keeps_negative_and_positive_apart_and_zero_lightest(vision):
    lab = _seen(palette.DIVERGING, vision)
    n = len(lab)
    middle = n // 2
    lightness = lab[:, 0]
    # lightness rises from each end to zero: a larger magnitude is darker on both sides
    assert np.diff(lightness[: middle + 1]).min() > 0 and np.diff(lightness[middle:]).max() < 0, np.round(lightness, 1)
    # -v and +v (same lightness by design) stay told apart by hue: ΔE*ab ≥ 20 from a quarter of the range outward
    for i in range(0, middle - n // 4 + 1):
        apart = np.linalg.norm(lab[i] - lab[n - 1 - i])
        assert apart >= 20, (vision, i, round(float(apart), 1))


def test_the_checks_reject_scales_known_to_mislead():
    # Jet's lightness goes up and down (false edges, for everyone); red-yellow-green's ends meet for deuteranopes
    assert np.diff(_seen("Jet", "typical")[:, 0]).min() < 0
    lab = _seen("RdYlGn", "deuteranopia")
    assert min(np.linalg.norm(lab[i] - lab[len(lab) - 1 - i]) for i in range(6)) < 20
