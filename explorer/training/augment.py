"""Data augmentation for the digit models: drawn digits are rotated, scaled and shifted; so are the training ones."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.ndimage import map_coordinates


def augment(key: jax.Array, x: jax.Array) -> jax.Array:
    """Random small rotations, scalings and shifts of a batch (B, 28, 28, 1): drawn digits vary."""
    kr, ks, kt = jax.random.split(key, 3)
    b = x.shape[0]
    angle = jax.random.uniform(kr, (b,), minval=-0.2, maxval=0.2)  # about ±11°
    scale = jax.random.uniform(ks, (b,), minval=0.88, maxval=1.12)
    shift = jax.random.uniform(kt, (b, 2), minval=-2.5, maxval=2.5)
    rows, cols = jnp.meshgrid(jnp.arange(28.0), jnp.arange(28.0), indexing="ij")

    def warp(img, a, s, t):
        r, c = rows - 13.5 - t[0], cols - 13.5 - t[1]
        src_r = (jnp.cos(a) * r - jnp.sin(a) * c) / s + 13.5
        src_c = (jnp.sin(a) * r + jnp.cos(a) * c) / s + 13.5
        return map_coordinates(img[..., 0], [src_r, src_c], order=1, mode="constant", cval=0.0)[..., None]

    return jax.vmap(warp)(x, angle, scale, shift)
