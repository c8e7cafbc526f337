"""Animated windows: a convolution kernel and a max-pool window sliding along one output row.

One figure animates one output row (a frame per output cell): a browser plays a
few dozen light frames smoothly, and the page's row control moves to the next
row. Each frame updates only the traces that change (the window on the input,
the numbers under it, the current output row), never the static maps.
Pure functions: rows replayed by explorer.convolution in, go.Figure out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.compute import printing
from explorer.compute.convolution import ConvRow, PoolRow
from explorer.figures import animation, palette
from explorer.figures.spec import SpecFigure, axis_names, fit_image, subplot_row

FRAME_MS = 450
TILE_COLS = 4  # input channels of conv2 are tiled 2 × 4


def _tile(maps: np.ndarray, cols: int) -> tuple[np.ndarray, int, int]:
    """(C, H, W) → one image with the maps in a grid, NaN between them; returns (image, H + 1, W + 1) steps."""
    c, h, w = maps.shape
    cols = min(cols, c)
    rows = -(-c // cols)
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan, np.float32)
    for i in range(c):
        r, q = divmod(i, cols)
        out[r * (h + 1) : r * (h + 1) + h, q * (w + 1) : q * (w + 1) + w] = maps[i]
    return out, h + 1, w + 1


def _offsets(c: int, step_h: int, step_w: int, cols: int) -> np.ndarray:
    cols = min(cols, c)
    return np.array([(i // cols * step_h, i % cols * step_w) for i in range(c)])  # (C, 2)


def _window_markers(row: ConvRow, j: int, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Padded-input coordinates of every tap of window j, repeated in each channel tile."""
    rr, cc = np.meshgrid(row.rows, row.cols[j], indexing="ij")
    ys = (rr.ravel()[None] + offsets[:, :1]).ravel()
    xs = (cc.ravel()[None] + offsets[:, 1:]).ravel()
    return xs.astype(np.float32), ys.astype(np.float32)


def _window_outline(row: ConvRow, j: int, offsets: np.ndarray) -> tuple[list, list]:
    """A rectangle around window j's taps in each channel tile (None between tiles)."""
    y0, y1 = row.rows[0] - 0.5, row.rows[-1] + 0.5
    x0, x1 = row.cols[j, 0] - 0.5, row.cols[j, -1] + 0.5
    xs, ys = [], []
    for dy, dx in offsets:
        xs += [x0 + dx, x1 + dx, x1 + dx, x0 + dx, x0 + dx, None]
        ys += [y0 + dy, y0 + dy, y1 + dy, y1 + dy, y0 + dy, None]
    return xs, ys


def _equation(row: ConvRow, j: int) -> str:
    """The frame title: Σ + bias = out, printed so that the printed numbers add up exactly (more decimals where
    three do not; "≈" and the miss where float32's own rounding of the sum leaves none that does)."""
    s = float(row.channel_sums[j].sum())
    what = "Σ products" if row.channel_sums.shape[1] == 1 else f"Σ over {row.channel_sums.shape[1]} channels"
    line = printing.sum_line([s, float(row.bias)], float(row.out[j]), decimals=3)
    total, bias = line.total, line.terms[1]
    return f"<b>out[{row.row}, {j}]</b> = {what} {line.terms[0]} + bias {bias} {line.relation} <b>{total}</b>" + (
        line.rounding_note
    )


def _pool_title(row: PoolRow, j: int) -> str:
    """The frame title: the kept maximum, and whether it is a tie (several cells of the window hold it)."""
    ties = int(np.sum(row.windows[j] == row.out[j]))
    tie = f" (a tie: {ties} cells hold it; ★ marks the one kept, the first)" if ties > 1 else ""
    return f"<b>out[{row.row}, {j}]</b> = max of the window = <b>{row.out[j]:.3f}</b>{tie}"


def _pool_text(row: PoolRow, j: int) -> list[list[str]]:
    """The window's numbers, a ★ on the one cell pooling keeps (its argmax), not on every cell equal to it."""
    size = row.windows.shape[1]
    r0, c0 = int(row.argmax[j, 0]) - row.row * size, int(row.argmax[j, 1]) - j * size
    return [
        [f"{v:.2f}" + (" ★" if (a, b) == (r0, c0) else "") for b, v in enumerate(line)]
        for a, line in enumerate(row.windows[j])
    ]


def conv_animation(
    padded: np.ndarray,
    kernel: np.ndarray,
    row: ConvRow,
    output: np.ndarray,
    input_title: str = "input",
    output_title: str = "output",
) -> go.Figure:
    """Animate the kernel along one output row.

    padded (C, Hp, Wp) the padded input; kernel (k, k, C) one output channel's weights;
    row = convolution.conv_row(...) for that row; output (Ho, Wo) the full output map
    (rows above `row.row` are shown as already computed, the current row fills cell by cell).
    One frame per output cell; frame j holds window j's taps, products and sums.
    Built as one plain spec (SpecFigure): this figure is redrawn on every stroke.
    """
    c = padded.shape[0]
    w_out = len(row.out)
    many = c > 1
    tiled, step_h, step_w = _tile(np.asarray(padded, np.float32), TILE_COLS)
    offsets = _offsets(c, step_h, step_w, TILE_COLS)
    products_tiled = lambda j: _tile(row.products[j].transpose(2, 0, 1), TILE_COLS)[0]
    # a robust range: one large product would otherwise wash every other cell out to white
    pm = float(np.percentile(np.abs(row.products), 98)) or float(np.abs(row.products).max()) or 1.0
    om = float(np.nanmax(np.abs(output))) or 1.0
    cols = 4 if many else 3
    titles = [f"{input_title} (padded) and the window", "products: window × kernel"]
    titles += ["sum within each channel"] if many else []
    titles += [output_title]
    images = {1, 2, cols}
    layout = subplot_row(titles, [0.34, 0.22, 0.2, 0.24] if many else [0.36, 0.28, 0.36], 0.06, images=images)
    x_in, y_in = axis_names(1)
    x_pr, y_pr = axis_names(2)
    x_out, y_out = axis_names(cols)
    in_max = float(np.nanmax(tiled)) or 1.0
    text = lambda j: None if many else [[f"{v:.2f}" for v in r] for r in row.products[j][..., 0]]
    xs, ys = _window_markers(row, 0, offsets)
    ox, oy = _window_outline(row, 0, offsets)
    done = np.where(np.arange(output.shape[0])[:, None] < row.row, output, np.nan).astype(np.float32)
    scale = dict(zmin=-om, zmax=om, zmid=0, colorscale=palette.DIVERGING)
    current = lambda j: np.where(np.arange(w_out) <= j, row.out, np.nan).astype(np.float32).reshape(1, -1)
    data = [
        dict(
            type="heatmap",
            z=np.round(tiled, 3),
            zmin=0,
            zmax=in_max,
            showscale=False,
            colorscale=palette.SEQUENTIAL if many else palette.INK_SCALE,
            hovertemplate="%{z:.3f}<extra></extra>",
            xaxis=x_in,
            yaxis=y_in,
        ),
        dict(
            type="scatter",
            x=xs,
            y=ys,
            mode="markers",
            hoverinfo="skip",
            marker=dict(symbol="circle", size=4 if many else 6, color=palette.WINDOW),
            xaxis=x_in,
            yaxis=y_in,
        ),
        dict(
            type="scatter",
            x=ox,
            y=oy,
            mode="lines",
            hoverinfo="skip",
            line=dict(color=palette.WINDOW, width=2.5),
            xaxis=x_in,
            yaxis=y_in,
        ),
        dict(
            type="heatmap",
            z=np.round(products_tiled(0), 4),
            zmin=-pm,
            zmax=pm,
            zmid=0,
            colorscale=palette.DIVERGING,
            showscale=not many,
            colorbar=dict(title=dict(text="product", side="right"), len=0.8, thickness=10, x=0.6),
            hovertemplate="%{z:.4f}<extra></extra>",
            xaxis=x_pr,
            yaxis=y_pr,
            **({} if many else dict(text=text(0), texttemplate="%{text}", textfont=dict(size=15))),
        ),
    ]
    if many:
        chans = [f"ch {i}" for i in range(c)]
        data.append(
            dict(
                type="bar",
                x=np.round(row.channel_sums[0], 3),
                y=chans,
                orientation="h",
                marker=dict(color=palette.CNN),
                text=[f"{v:+.2f}" for v in row.channel_sums[0]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.3f}<extra></extra>",
                xaxis="x3",
                yaxis="y3",
            )
        )
        # one range for every frame, with room beyond each bar for its label
        lo, hi = min(0.0, float(row.channel_sums.min())), max(0.0, float(row.channel_sums.max()))
        pad = 0.45 * ((hi - lo) or 1.0)
        layout["xaxis3"]["range"] = [lo - (pad if lo < 0 else 0.05 * pad), hi + pad]
        layout["yaxis3"]["autorange"] = "reversed"
    data += [
        dict(
            type="heatmap",
            z=np.round(done, 3),
            showscale=True,
            colorbar=dict(title=dict(text="value"), len=0.8, thickness=10),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
            xaxis=x_out,
            yaxis=y_out,
            **scale,
        ),
        dict(
            type="heatmap",
            z=np.round(current(0), 3),
            y0=row.row,
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
            xaxis=x_out,
            yaxis=y_out,
            **scale,
        ),
        dict(
            type="scatter",
            x=[0],
            y=[row.row],
            mode="markers",
            hoverinfo="skip",
            marker=dict(symbol="square-open", size=12, color=palette.WINDOW, line=dict(width=3)),
            xaxis=x_out,
            yaxis=y_out,
        ),
    ]
    fit_image(layout, 1, tiled.shape)
    fit_image(layout, 2, products_tiled(0).shape)
    fit_image(layout, cols, output.shape)
    moving = [1, 2, 3, 4, 6, 7] if many else [1, 2, 3, 5, 6]  # indices of the traces frames replace
    frames = []
    for j in range(w_out):
        xs, ys = _window_markers(row, j, offsets)
        ox, oy = _window_outline(row, j, offsets)
        changed = [
            dict(type="scatter", x=xs, y=ys),
            dict(type="scatter", x=ox, y=oy),
            dict(type="heatmap", z=np.round(products_tiled(j), 4), **({} if many else dict(text=text(j)))),
        ]
        if many:
            changed.append(
                dict(
                    type="bar",
                    x=np.round(row.channel_sums[j], 3),
                    text=[f"{v:+.2f}" for v in row.channel_sums[j]],
                )
            )
        changed += [dict(type="heatmap", z=np.round(current(j), 3)), dict(type="scatter", x=[j], y=[row.row])]
        frames.append(dict(name=str(j), data=changed, traces=moving, layout=dict(title=dict(text=_equation(row, j)))))
    layout.update(
        title=dict(text=_equation(row, 0), x=0.01, font=dict(size=17)),
        height=430,
        margin=dict(l=10, r=10, t=80, b=90),
        font=palette.FONT,
        showlegend=False,
        **animation.play_controls(
            [str(j) for j in range(w_out)], prefix=f"output row {row.row}, column ", frame_ms=FRAME_MS
        ),
    )
    return SpecFigure(data=data, layout=layout, frames=frames)


def pool_animation(x: np.ndarray, row: PoolRow, output: np.ndarray, title: str = "ReLU map") -> go.Figure:
    """Animate the 2×2 max-pool window along one output row.

    x (H, W) the map being pooled; row = convolution.pool_row(x, r); output (Ho, Wo) the pooled map.
    Frame j: the window on x, its four values with the maximum marked, the output row filled up to j.
    """
    x = np.asarray(x, np.float32)
    size = row.windows.shape[1]
    w_out = len(row.out)
    top = float(x.max()) or 1.0
    scale = dict(zmin=0, zmax=top, colorscale=palette.SEQUENTIAL)
    layout = subplot_row(
        [f"{title} and the 2 × 2 window", "the window: keep the largest", "after max-pool"],
        [0.4, 0.22, 0.38],
        0.07,
        images={1, 2, 3},
    )
    box = lambda j: (
        np.array([0, size, size, 0, 0]) - 0.5 + row.row * size,
        np.array([0, 0, size, size, 0]) - 0.5 + j * size,
    )
    text = lambda j: _pool_text(row, j)
    done = np.where(np.arange(output.shape[0])[:, None] < row.row, output, np.nan).astype(np.float32)
    current = lambda j: np.where(np.arange(w_out) <= j, row.out, np.nan).astype(np.float32).reshape(1, -1)
    ys, xs = box(0)
    data = [
        dict(
            type="heatmap",
            z=np.round(x, 3),
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
            **scale,
        ),
        dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=palette.WINDOW, width=3), hoverinfo="skip"),
        dict(
            type="scatter",
            x=[row.argmax[0, 1]],
            y=[row.argmax[0, 0]],
            mode="markers",
            hoverinfo="skip",
            marker=dict(symbol="star", size=14, color=palette.HIGHLIGHT, line=dict(width=1, color="white")),
        ),
        dict(
            type="heatmap",
            z=np.round(row.windows[0], 3),
            text=text(0),
            texttemplate="%{text}",
            textfont=dict(size=16),
            showscale=False,
            hovertemplate="%{z:.3f}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
            **scale,
        ),
        dict(
            type="heatmap",
            z=np.round(done, 3),
            colorbar=dict(title=dict(text="value"), len=0.8, thickness=10),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
            xaxis="x3",
            yaxis="y3",
            **scale,
        ),
        dict(
            type="heatmap",
            z=np.round(current(0), 3),
            y0=row.row,
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
            xaxis="x3",
            yaxis="y3",
            **scale,
        ),
    ]
    fit_image(layout, 1, x.shape)
    fit_image(layout, 2, row.windows[0].shape)
    fit_image(layout, 3, output.shape)
    frames = []
    for j in range(w_out):
        ys, xs = box(j)
        frames.append(
            dict(
                name=str(j),
                traces=[1, 2, 3, 5],
                data=[
                    dict(type="scatter", x=xs, y=ys),
                    dict(type="scatter", x=[row.argmax[j, 1]], y=[row.argmax[j, 0]]),
                    dict(type="heatmap", z=np.round(row.windows[j], 3), text=text(j)),
                    dict(type="heatmap", z=np.round(current(j), 3)),
                ],
                layout=dict(title=dict(text=_pool_title(row, j))),
            )
        )
    layout.update(
        title=dict(text=_pool_title(row, 0), x=0.01, font=dict(size=17)),
        height=400,
        margin=dict(l=10, r=10, t=80, b=90),
        font=palette.FONT,
        showlegend=False,
        **animation.play_controls(
            [str(j) for j in range(w_out)], prefix=f"output row {row.row}, column ", frame_ms=FRAME_MS
        ),
    )
    return SpecFigure(data=data, layout=layout, frames=frames)
