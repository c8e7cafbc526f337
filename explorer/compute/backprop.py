"""One plain SGD step of the digit MLP on one digit, fully unrolled: every number of the forward pass, the loss,
the backward pass and the update, for the page that walks a student through backpropagation.

x (784) → z1 = x·W1 + b1 (64) → h = relu(z1) → z2 = h·W2 + b2 (10) → p = softmax(z2), loss = −log p[label].

Every gradient is JAX's own: the parameter gradients are `jax.grad` of the loss with respect to the parameters,
as in training; d_z2, d_h and d_z1 are `jax.grad` of "the rest of the network after that point" with respect to
that intermediate. Nothing is derived by hand here, so the page shows what autodiff really computes.

The arithmetic is float64 (the weights and the digit are cast to NumPy float64 and run through `jax.numpy` inside
the `jax.enable_x64` context manager; older jax spelled it `jax.experimental.enable_x64`), so a student comparing
the numbers with a hand calculation sees agreement to many digits. The global jax config is left unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.experimental
import jax.numpy as jnp
import numpy as np

_enable_x64 = jax.enable_x64 if hasattr(jax, "enable_x64") else jax.experimental.enable_x64


@dataclass(frozen=True)
class MLPStep:
    """One SGD step, every array NumPy float64. Shapes: 784 inputs, 64 hidden units, 10 classes."""

    x: np.ndarray  # (784,) the digit, flattened row-major as the model does
    label: int
    z1: np.ndarray  # (64,) hidden pre-activation
    h: np.ndarray  # (64,) after ReLU
    z2: np.ndarray  # (10,) logits
    p: np.ndarray  # (10,) softmax
    loss: float  # −log p[label]
    d_z2: np.ndarray  # (10,) ∂loss/∂z2
    d_w2: np.ndarray  # (64, 10)
    d_b2: np.ndarray  # (10,)
    d_h: np.ndarray  # (64,)
    d_z1: np.ndarray  # (64,)
    d_w1: np.ndarray  # (784, 64)
    d_b1: np.ndarray  # (64,)
    lr: float
    w1_new: np.ndarray  # (784, 64) = W1 − lr·d_w1
    b1_new: np.ndarray  # (64,)
    w2_new: np.ndarray  # (64, 10)
    b2_new: np.ndarray  # (10,)
    loss_after: float  # the same digit through the updated weights (inf if the step overflowed them)
    p_after: np.ndarray  # (10,)
    # The same figures in log space, for printing: a loss of 1e-6484 is 0.0 in float64 and p = 1 − 3.7e-9 is
    # 1.0 to six decimals, but their logarithms are ordinary numbers (see `log_terms`).
    log_before: LogTerms
    log_after: LogTerms


@dataclass(frozen=True)
class LogTerms:
    """ln loss, ln p[label] and ln(1 − p[label]) of one forward pass, none of them rounded away in float64."""

    ln_loss: float
    ln_p: float
    ln_q: float


def log_terms(z2: np.ndarray, label: int) -> LogTerms:
    """From the logits (10,): with s = logsumexp_{j≠label}(z_j − z_label), loss = softplus(s), ln p = −softplus(s),
    ln(1 − p) = s − softplus(s); ln softplus(s) is s itself when e^s is far below float64's resolution of 1 + e^s.
    NaN everywhere when the logits are not finite (a step that overflowed the weights)."""
    z = np.asarray(z2, np.float64)
    if not np.all(np.isfinite(z)):
        return LogTerms(math.nan, math.nan, math.nan)
    others = np.delete(z, label) - z[label]
    s = float(np.logaddexp.reduce(others))
    softplus = float(np.logaddexp(0.0, s))
    ln_loss = s if s < -30 else math.log(softplus)  # softplus(s) = e^s (1 − e^s/2 + …): relative error < 1e-13
    return LogTerms(ln_loss, -softplus, s - softplus)


# The loss seen from each point of the network onwards: differentiating one of these with respect to its first
# argument gives the gradient at that point, exactly what backpropagation passes backwards.
def _loss_at_z2(z2, label):
    return -jax.nn.log_softmax(z2)[label]  # log_softmax, not log(softmax): a confident wrong answer stays finite


def _loss_at_h(h, params, label):
    return _loss_at_z2(h @ params["w2"] + params["b2"], label)


def _loss_at_z1(z1, params, label):
    return _loss_at_h(jax.nn.relu(z1), params, label)


def _loss(params, x, label):
    return _loss_at_z1(x @ params["w1"] + params["b1"], params, label)


def _check(image: np.ndarray, label, lr) -> float:
    if image.shape != (28, 28):
        raise ValueError(f"image must be 28 × 28, got shape {image.shape}")
    if np.issubdtype(image.dtype, np.integer):
        raise ValueError("image must be floats in 0..1 (see digits.to_model_input), not integer grey levels")
    if not np.all(np.isfinite(image)):
        raise ValueError("image contains NaN or infinite pixels")
    if isinstance(label, bool) or not isinstance(label, int | np.integer) or not 0 <= label <= 9:
        raise ValueError(f"label must be a digit 0..9, got {label!r}")
    lr = float(lr)
    if not math.isfinite(lr) or lr < 0:
        raise ValueError(f"learning rate must be a finite number ≥ 0, got {lr}")
    return lr


def mlp_step(model, image, label: int, lr: float) -> MLPStep:
    """One SGD step of a DigitMLP on one digit: image (28, 28) floats in 0..1, its true label, learning rate lr ≥ 0.

    The model itself is not changed; the updated weights are returned in the MLPStep.
    """
    image = np.asarray(image)
    lr = _check(image, label, lr)
    label = int(label)
    f64 = lambda a: np.asarray(a, np.float64)
    params = {
        "w1": f64(model.hidden.kernel[...]),
        "b1": f64(model.hidden.bias[...]),
        "w2": f64(model.out.kernel[...]),
        "b2": f64(model.out.bias[...]),
    }
    x = f64(image).reshape(-1)  # row-major, as DigitMLP flattens

    with _enable_x64(True):
        p64 = {k: jnp.asarray(v) for k, v in params.items()}
        z1 = jnp.asarray(x) @ p64["w1"] + p64["b1"]
        h = jax.nn.relu(z1)
        z2 = h @ p64["w2"] + p64["b2"]
        p, loss = f64(jax.nn.softmax(z2)), float(_loss_at_z2(z2, label))
        grads = jax.grad(_loss)(p64, jnp.asarray(x), label)
        d_z2 = jax.grad(_loss_at_z2)(z2, label)
        d_h = jax.grad(_loss_at_h)(h, p64, label)
        d_z1 = jax.grad(_loss_at_z1)(z1, p64, label)
        new = {k: p64[k] - lr * grads[k] for k in p64}
        z2_after = jax.nn.relu(jnp.asarray(x) @ new["w1"] + new["b1"]) @ new["w2"] + new["b2"]
        p_after, loss_after = f64(jax.nn.softmax(z2_after)), float(_loss_at_z2(z2_after, label))

    if math.isnan(loss_after):  # a huge lr can overflow the new weights to ±inf, and inf − inf is NaN
        loss_after = math.inf
    return MLPStep(
        x=x,
        label=label,
        z1=f64(z1),
        h=f64(h),
        z2=f64(z2),
        p=p,
        loss=loss,
        d_z2=f64(d_z2),
        d_w2=f64(grads["w2"]),
        d_b2=f64(grads["b2"]),
        d_h=f64(d_h),
        d_z1=f64(d_z1),
        d_w1=f64(grads["w1"]),
        d_b1=f64(grads["b1"]),
        lr=lr,
        w1_new=f64(new["w1"]),
        b1_new=f64(new["b1"]),
        w2_new=f64(new["w2"]),
        b2_new=f64(new["b2"]),
        loss_after=loss_after,
        p_after=p_after,
        log_before=log_terms(f64(z2), label),
        log_after=log_terms(f64(z2_after), label),
    )


def active_units(step: MLPStep) -> int:
    """How many of the hidden units are on (z₁ > 0) for this digit."""
    return int(np.count_nonzero(step.z1 > 0))


def steepest_units(step: MLPStep, k: int) -> np.ndarray:
    """The k hidden units with the largest |∂L/∂z₁|, largest first: (k,) indices."""
    return np.argsort(-np.abs(step.d_z1), kind="stable")[:k]


def largest_weight_change(step: MLPStep, w1_before: np.ndarray) -> float:
    """The largest |change| of any weight in W₁ (784, 64) made by the step (inf if the step overflowed it)."""
    return float(np.abs(np.asarray(step.w1_new, np.float64) - np.asarray(w1_before, np.float64)).max())
