"""One set of animation controls for every animated figure: ▶ play / ❚❚ pause and a slider over the frames.

Frames must be named by their index as a string ("0", "1", …), as every animation here does.
"""

from __future__ import annotations


def _frame_args(ms: int) -> dict:
    return dict(frame=dict(duration=ms, redraw=True), mode="immediate", transition=dict(duration=0))


def play_controls(
    labels: list[str],
    *,
    prefix: str,
    frame_ms: int = 400,
    active: int = 0,
    y: float = -0.02,
    slider_x: float = 0.2,
) -> dict:
    """Layout entries (updatemenus, sliders) for len(labels) frames: pass them to `fig.update_layout(**…)`.

    labels: what the slider shows at each frame; prefix: the words before the current label;
    frame_ms: time per frame while playing; active: the frame shown first; y: where the controls sit
    (paper coordinates, below the plot when negative); slider_x: where the slider starts (buttons sit left of it).
    """
    buttons = dict(
        type="buttons",
        direction="left",
        x=0.0,
        y=y - 0.04,
        xanchor="left",
        yanchor="top",
        showactive=False,
        pad=dict(r=10, t=10),
        buttons=[
            dict(label="▶ play", method="animate", args=[None, dict(_frame_args(frame_ms), fromcurrent=True)]),
            dict(label="❚❚ pause", method="animate", args=[[None], _frame_args(0)]),
        ],
    )
    slider = dict(
        active=active,
        x=slider_x,
        len=1.0 - slider_x,
        y=y,
        yanchor="top",
        pad=dict(t=10, b=5),
        # the current frame's label at the slider's right end: at its left (the default) it sat on the pause button
        # in a phone's narrow figure
        currentvalue=dict(prefix=prefix, font=dict(size=15), xanchor="right"),
        steps=[dict(label=label, method="animate", args=[[str(i)], _frame_args(0)]) for i, label in enumerate(labels)],
    )
    return dict(updatemenus=[buttons], sliders=[slider])


def start_at(fig, frame: int):
    """The same animated figure, showing `frame` first (its traces, its title, the slider there): the view a
    lecturer's address asks for. Returns fig itself when frame is 0 or out of range."""
    from explorer.figures.spec import SpecFigure

    spec = fig.spec
    frames = spec.get("frames") or []
    if not 0 < frame < len(frames):
        return fig
    chosen = frames[frame]
    data = list(spec["data"])
    for index, change in zip(chosen.get("traces", range(len(chosen["data"]))), chosen["data"]):
        data[index] = {**data[index], **change}
    layout = dict(spec["layout"])
    title = (chosen.get("layout") or {}).get("title")
    if title is not None:
        layout["title"] = {**layout.get("title", {}), **title}
    if layout.get("sliders"):
        layout["sliders"] = [{**layout["sliders"][0], "active": frame}, *layout["sliders"][1:]]
    return SpecFigure(data=data, layout=layout, frames=frames)
