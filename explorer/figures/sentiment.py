"""Figures of the Sentiment page: the RNN's verdict forming word by word with its hidden state, the text CNN's
strongest n-gram filters, VADER's per-word scores, and the review with the CNN's n-grams highlighted."""

from __future__ import annotations

import html

import numpy as np

from explorer.figures import palette
from explorer.figures.spec import SpecFigure

POSITIVE = "#2ca02c"  # pushes towards "positive"
NEGATIVE = palette.NEGATIVE  # pushes towards "negative"
UNREAD = "#d9d9d9"
MAX_LABEL = 14  # characters of a word shown as an axis label


def _label(word: str) -> str:
    """A word as an axis label: cut, and escaped (Plotly renders some HTML tags in labels and hovers)."""
    return html.escape(word if len(word) <= MAX_LABEL else word[: MAX_LABEL - 1] + "…")


def word_ticks(words: list[str]) -> dict:
    """Categorical word axis: positions 1…T labelled by the words (a word may repeat, so positions are the x)."""
    n = len(words)
    return dict(
        tickmode="array",
        tickvals=list(range(1, n + 1)),
        ticktext=[_label(w) for w in words],
        tickangle=-45 if n > 8 else 0,
        tickfont=dict(size=14 if n <= 30 else 11),
        range=[0.4, n + 0.6],
    )


def reading_figure(
    words: list[str], prob: np.ndarray, prob_text: list[str], hidden: np.ndarray, read: int, known: np.ndarray
) -> SpecFigure:
    """Top: P(positive) after each word read so far (the line moves as the RNN reads; `prob_text` is each value as
    the page writes it, for the hover, so a tiny probability never reads 0.0 %). Bottom: its hidden state
    after each word (units × words), blank for words not read yet; the current word is outlined in both."""
    n = len(words)
    x = np.arange(1, n + 1)
    shown = np.where(x <= read, prob, np.nan)
    hover_words = [html.escape(w) + ("" if k else " (unknown word)") for w, k in zip(words, known)]
    state = np.where(x[:, None] <= read, hidden, np.nan).T
    data = [
        dict(
            type="scatter",
            x=x,
            y=np.round(shown, 6),
            mode="lines+markers",
            name="P(positive) after this word",
            line=dict(color=palette.RNN, width=3),
            marker=dict(
                size=9, color=[POSITIVE if p >= 0.5 else NEGATIVE for p in prob[: max(read, 0)]] + [UNREAD] * (n - read)
            ),
            customdata=[[w, t] for w, t in zip(hover_words, prob_text)],
            hovertemplate="after “%{customdata[0]}”: %{customdata[1]} positive<extra></extra>",
        ),
        dict(
            type="scatter",
            x=[0.4, n + 0.6],
            y=[0.5, 0.5],
            mode="lines",
            line=dict(color="#7f7f7f", width=1, dash="dash"),
            hoverinfo="skip",
            showlegend=False,
        ),
        dict(
            type="heatmap",
            z=np.round(state, 3),
            x=x,
            colorscale=palette.DIVERGING,
            zmin=-1,
            zmax=1,
            colorbar=dict(thickness=10, len=0.45, y=0.22, title=dict(text="h")),
            customdata=np.tile(np.asarray(hover_words, dtype=object), (hidden.shape[1], 1)),
            hovertemplate="after “%{customdata}”, unit %{y}: %{z:.3f}<extra></extra>",
            xaxis="x",
            yaxis="y2",
        ),
    ]
    layout = dict(
        height=560,
        margin=dict(l=70, r=20, t=20, b=90),
        font=palette.FONT,
        showlegend=False,
        xaxis=dict(**word_ticks(words), anchor="y2"),
        yaxis=dict(domain=[0.52, 1.0], range=[-0.03, 1.03], title=dict(text="P(positive)"), tickformat=".0%"),
        yaxis2=dict(domain=[0.0, 0.46], title=dict(text="hidden unit"), autorange="reversed"),
        shapes=[
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=read - 0.5,
                x1=read + 0.5,
                y0=0,
                y1=1,
                line=dict(color=palette.TEXT_CURSOR, width=2),
                fillcolor="rgba(0,0,0,0)",
            )
        ]
        if 1 <= read <= n
        else [],
    )
    return SpecFigure(data=data, layout=layout)


def ngram_bars(labels: list[str], votes: np.ndarray, pooled: np.ndarray, title: str) -> SpecFigure:
    """Where the CNN's filters peak: each bar is the summed push on the log-odds (max value × output weight) of the
    filters whose maximum is at that phrase, labelled by the phrase; strongest at the top."""
    votes = np.asarray(votes, np.float64)
    data = [
        dict(
            type="bar",
            orientation="h",
            x=np.round(votes, 4),
            y=list(range(len(labels))),
            marker=dict(color=[POSITIVE if v >= 0 else NEGATIVE for v in votes]),
            customdata=np.round(np.asarray(pooled, np.float64), 3),
            text=[f"{v:+.2f}" for v in votes],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="push %{x:+.3f}; its strongest filter's max value %{customdata}<extra></extra>",
        )
    ]
    span = max(0.5, float(np.abs(votes).max(initial=0)) * 1.35)
    layout = dict(
        title=dict(text=title, font=dict(size=16)),
        height=max(260, 60 + 34 * len(labels)),
        margin=dict(l=10, r=30, t=50, b=50),
        font=palette.FONT,
        xaxis=dict(
            title=dict(text="push on the log-odds (← negative · positive →)"),
            range=[-span, span],
            zeroline=True,
            zerolinecolor="#7f7f7f",
        ),
        yaxis=dict(
            tickmode="array",
            tickvals=list(range(len(labels))),
            ticktext=[html.escape(t) for t in labels],
            autorange="reversed",
            automargin=True,
        ),
        showlegend=False,
    )
    return SpecFigure(data=data, layout=layout)


def vader_bars(words: list[str], lexicon: np.ndarray, after: np.ndarray) -> SpecFigure:
    """VADER's tokens: each word's rating in its lexicon (light) and what VADER counts after its rules (solid)."""
    n = len(words)
    x = np.arange(1, n + 1)
    escaped = [html.escape(w) for w in words]
    data = [
        dict(
            type="bar",
            x=x,
            y=np.round(lexicon, 3),
            name="rating in its list",
            marker=dict(color="#c7c7c7"),
            customdata=escaped,
            hovertemplate="“%{customdata}”: lexicon %{y:+.2f}<extra></extra>",
        ),
        dict(
            type="bar",
            x=x,
            y=np.round(after, 3),
            name="counted after its rules",
            marker=dict(color=[POSITIVE if v >= 0 else NEGATIVE for v in after]),
            customdata=escaped,
            hovertemplate="“%{customdata}”: counted %{y:+.3f}<extra></extra>",
        ),
    ]
    top = max(1.0, float(np.abs(np.concatenate([lexicon, after])).max(initial=0)) * 1.15)
    layout = dict(
        height=340,
        barmode="group",
        margin=dict(l=60, r=20, t=40, b=90),
        font=palette.FONT,
        xaxis=word_ticks(words),
        yaxis=dict(title=dict(text="valence (−4 … +4)"), range=[-top, top], zeroline=True, zerolinecolor="#7f7f7f"),
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", xanchor="left"),
    )
    return SpecFigure(data=data, layout=layout)


def highlighted_text(text: str, spans: list[tuple[int, int, float, str]]) -> str:
    """The review as HTML with each (start, end, push, note) span marked: green pushes positive, purple negative,
    stronger pushes darker; where spans overlap, the stronger one shows. Every character of the review is
    escaped; only the marks are markup."""
    top = max((abs(p) for _, _, p, _ in spans), default=1.0) or 1.0
    owner = [-1] * len(text)
    for i in sorted(range(len(spans)), key=lambda i: -abs(spans[i][2])):
        start, end = spans[i][0], spans[i][1]
        for c in range(start, end):
            if owner[c] == -1:
                owner[c] = i
    out, at = [], 0
    while at < len(text):
        end = at
        while end < len(text) and owner[end] == owner[at]:
            end += 1
        piece = html.escape(text[at:end])
        if owner[at] == -1:
            out.append(piece)
        else:
            _, _, push, note = spans[owner[at]]
            r, g, b = (44, 160, 44) if push >= 0 else (148, 103, 189)
            alpha = 0.2 + 0.6 * abs(push) / top
            out.append(
                f'<mark title="{html.escape(note)}" style="background: rgba({r},{g},{b},{alpha:.2f}); color: inherit;'
                f' padding: 0.1em 0.15em; border-radius: 0.2em">{piece}</mark>'
            )
        at = end
    return '<div class="sentiment-review" style="font-size: 1.15rem; line-height: 1.9">' + "".join(out) + "</div>"
