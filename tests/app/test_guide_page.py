"""The Guide page: every path through the questions reaches its recommendation; the summaries are the models'."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from explorer import models
from explorer.compute import decision_guide
from tests.support.apptest import assert_clean, new_app


def _guide() -> AppTest:
    at = new_app()
    at.switch_page("explorer/app/pages/guide/page.py")
    at.run()
    assert_clean(at)
    return at


def _recommendation_text(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("### Recommendation")]


def test_page_opens_with_questions_formulas_diagram_and_no_recommendation_yet():
    at = _guide()
    assert [r.key for r in at.radio] == ["guide_data"]
    assert not _recommendation_text(at)
    assert any("Answer the questions" in i.value for i in at.info)
    assert len(at.latex) == 2 and "h_{t-1} W_h" in at.latex[1].value
    assert len(at.get("plotly_chart")) == 1  # the hybrid diagram


# Every one of the 15 paths is checked in pure code (tests/unit/test_measure.py); here two walk the page:
# the grid path, whose reasons include the measured shift claim, and a sequence path.
WALKS = [p for p in decision_guide.all_paths() if p.get("data") == "grid"][:1] + [
    p for p in decision_guide.all_paths() if p.get("data") == "sequence"
][:1]


@pytest.mark.parametrize("path", WALKS, ids=lambda p: "-".join(p.values()))
def test_a_walk_through_the_questions_reaches_its_recommendation(path):
    at = _guide()
    answered: dict = {}
    while True:
        pending = [q for q in decision_guide.next_questions(answered) if q.key not in answered]
        if not pending:
            break
        q = pending[0]
        at.radio(key=f"guide_{q.key}").set_value(path[q.key]).run()
        assert_clean(at)
        answered[q.key] = path[q.key]
    rec = decision_guide.recommend(path)
    assert _recommendation_text(at) == [f"### Recommendation: {rec.choice}"]
    linked = [r for r in rec.reasons if r.page]
    labels = [e.proto.label for e in at.get("page_link")]
    for r in linked:
        assert any(r.where in label for label in labels), r.where
    if decision_guide.SHIFT in rec.reasons:  # the shift claim is stated with the numbers measured now
        shown = " ".join(m.value for m in at.markdown)
        assert "held-out digits moved 4 pixels" in shown and "%" in shown


def test_changing_an_early_answer_changes_the_path():
    at = _guide()
    at.radio(key="guide_data").set_value("grid").run()
    at.radio(key="guide_variable").set_value("no").run()
    assert_clean(at)
    assert _recommendation_text(at) == ["### Recommendation: CNN"]
    at.radio(key="guide_data").set_value("sequence").run()
    assert_clean(at)
    assert "guide_order" in [r.key for r in at.radio] and not _recommendation_text(at)


def test_model_summary_totals_equal_the_models_parameters():
    at = _guide()  # one page, every model chosen in turn
    for name in models.DIGIT_AND_TEXT_MODELS:
        at.selectbox(key="guide_model").set_value(name).run()
        assert_clean(at)
        table = at.dataframe[0].value
        model = models.build(name)  # the same architecture as the shipped weights: counts do not depend on values
        assert int(table["parameters"].iloc[-1]) == models.count_params(model), name
        assert int(table["parameters"].iloc[:-1].sum()) == models.count_params(model), name
