"""Vector norms that cannot underflow in float32.

`sqrt(sum(x**2))` squares first: any entry below ~1e-19 squares to below float32's smallest normal number
(~1e-38) and is flushed to zero, so a gradient of size 1e-20 reads as 0 and a sum of tiny entries comes out
too small. Dividing by the largest |entry| first keeps every square in [0, 1]; the norm is then exact up to
float32 rounding, and it is 0 only when every entry is exactly 0.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def scaled_norm(x: jax.Array, axis: int | tuple[int, ...] = -1) -> jax.Array:
    """The Euclidean (Frobenius over several axes) norm of x along `axis`, computed as m·‖x/m‖ with m = max|x|."""
    m = jnp.max(jnp.abs(x), axis=axis, keepdims=True)
    safe = jnp.where(m > 0, m, 1.0)
    return jnp.squeeze(m, axis=axis) * jnp.sqrt(jnp.sum((x / safe) ** 2, axis=axis))
