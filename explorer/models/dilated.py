"""Stacked causal dilated 1-D convolutions: the char CNN and the forecast CNN both read the past this way."""

from __future__ import annotations

from dataclasses import asdict

from flax import nnx


class DilatedConvConfig:
    """What a stack of dilated convolutions' config shares; the dataclass using it has `kernel` and `dilations`."""

    kernel: int
    dilations: tuple[int, ...]

    @property
    def receptive_field(self) -> int:
        """How many consecutive steps (the current one included) one output can see: 1 + (kernel − 1) × Σ dilations."""
        return 1 + (self.kernel - 1) * sum(self.dilations)

    def to_dict(self) -> dict:
        return {**asdict(self), "dilations": list(self.dilations)}  # JSON has lists, not tuples


def causal_convs(in_features: int, channels: int, kernel: int, dilations: tuple[int, ...], rngs: nnx.Rngs) -> nnx.List:
    """One causal convolution per dilation, `in_features` → `channels` then `channels` → `channels`: position t of
    every output reads positions t and before only, and the length is kept."""
    ins = [in_features] + [channels] * (len(dilations) - 1)
    return nnx.List(
        nnx.Conv(i, channels, (kernel,), kernel_dilation=(d,), padding="CAUSAL", rngs=rngs)
        for i, d in zip(ins, dilations)
    )
