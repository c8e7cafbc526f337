"""The Lesson page in AppTest: every shipped scene opens its view, the arrows' buttons move, a bad file is a
message."""

from __future__ import annotations

import pytest

from explorer.app import lessons
from tests.support.apptest import assert_clean, assert_no_exception, new_app

PAGE = "explorer/app/pages/lesson/page.py"
LESSON = lessons.load(lessons.available()["cnn-vs-rnn"])


def _open(scene: int):
    at = new_app()
    at.query_params.update({"lesson": "cnn-vs-rnn", "scene": str(scene)})
    at.switch_page(PAGE)
    return at.run()


@pytest.mark.parametrize("number", range(1, len(LESSON.scenes) + 1))
def test_every_scene_opens_its_view(number):
    at = _open(number)
    scene = LESSON.scenes[number - 1]
    assert_clean(at)
    assert not at.warning
    assert f"Scene {number} of {len(LESSON.scenes)}: {scene.title}" in at.get_by_key("lesson-scene").markdown[0].value
    state, params = at.session_state, scene.params
    if scene.page == "digit":
        assert state["digit_source"] == "sample" and state["sample_index"] == int(params["sample"])
        assert state["layer"] == {"pool 1": "pool1", "softmax": "probs"}.get(params["layer"], params["layer"])
        for name in ("map", "row", "frame"):
            if name in params:
                assert state[name] == int(params[name])
    elif scene.page == "text":
        assert state["step"] == int(params["step"]) and state["text_read"] == params["text"]
        assert f"Step {params['step']} of {len(params['text'])}" in at.get_by_key("text-step").text[0].value
    elif scene.page == "compare":
        assert state["section"] == params["section"]
    elif scene.page == "guide":
        assert state["guide_data"] == params["guide_data"]
    else:  # the class room: the lecturer starts a room from the scene
        assert scene.page == "class" and at.button(key="class_start")


def test_next_and_previous_move_between_scenes_and_reset_the_view():
    at = _open(2)
    assert at.session_state["frame"] == 10
    at.button(key="scene-next").click().run()
    assert_clean(at)
    assert "Scene 3 of 13" in at.get_by_key("lesson-scene").markdown[0].value
    assert at.session_state["frame"] == 0 and at.session_state["layer"] == "conv1"  # nothing of scene 2 lingers
    at.button(key="scene-prev").click().run()
    assert_clean(at)
    assert at.session_state["scene"] == 2 and at.session_state["frame"] == 10


def shown(markdown: str) -> str:
    """The text a quoted value shows (query.literal escapes every punctuation character and quotes with “ ”)."""
    return markdown.replace("\\", "").replace("“", "'").replace("”", "'")


def test_a_broken_lesson_file_is_a_message_naming_its_line(tmp_path, monkeypatch):
    (tmp_path / "broken.toml").write_text('title = "B"\n[[scene]]\ntitle = "x"\npage = "video"\nnote = "n"\n')
    monkeypatch.setattr(lessons, "LESSONS", tmp_path)
    at = new_app()
    at.switch_page(PAGE)
    at.run()
    assert_no_exception(at)
    assert any("line 4" in shown(e.value) and "'video'" in shown(e.value) for e in at.error)


@pytest.mark.parametrize(
    "page,query,says",
    [
        ("text", {"text": "x" * 10_000}, "10,000 characters"),
        ("text", {"step": "99", "text": "abc"}, "step='99': expected a whole number from 1 to 3"),
        ("text", {"seed": "<script>alert(1)</script>"}, "seed='<script>alert(1)</script>'"),
        ("digit", {"sketch": "A" * 100_000}, "sketch: expected an encoded 28 × 28 sketch"),
        ("digit", {"frame": "3.5"}, "frame='3.5'"),
        ("compare", {"probe": "flip", "shuffle_seed": "-1"}, "probe='flip'"),
        ("guide", {"guide_scale": "maybe"}, "guide_scale='maybe': expected one of yes, no"),
        ("lesson", {"lesson": "../../etc/passwd", "scene": "0"}, "lesson='../../etc/passwd'"),
    ],
)
def test_every_page_warns_about_a_bad_address_value_and_still_opens(page, query, says):
    at = new_app()
    at.query_params.update(query)
    at.switch_page(f"explorer/app/pages/{page}/page.py")
    at.run()
    assert_clean(at)
    assert any(says in shown(w.value) for w in at.warning), [w.value for w in at.warning]


@pytest.mark.parametrize("text", ["emoji 😀 in the address", "control\x07 character", "עברית من اليمين", "<b>bold</b>"])
def test_any_text_in_the_address_opens_the_text_page(text):
    at = new_app()
    at.query_params["text"] = text
    at.switch_page("explorer/app/pages/text/page.py")
    at.run()
    assert_clean(at)
    assert at.get_by_key("text-step").text  # it reads it (unknown characters as the unknown symbol)


SENTIMENT_LESSON = lessons.load(lessons.available()["sentiment"])


@pytest.mark.parametrize("number", range(1, len(SENTIMENT_LESSON.scenes) + 1))
def test_every_scene_of_the_sentiment_lesson_opens_its_review_at_its_word(number):
    from explorer.data import sentiment as data

    at = new_app()
    at.query_params.update({"lesson": "sentiment", "scene": str(number)})
    at.switch_page(PAGE)
    at.run()
    scene = SENTIMENT_LESSON.scenes[number - 1]
    assert_clean(at)
    assert not at.warning
    n = len(SENTIMENT_LESSON.scenes)
    assert f"Scene {number} of {n}: {scene.title}" in at.get_by_key("lesson-scene").markdown[0].value
    assert at.text_area(key="review_input").value == scene.params["review"]
    word = int(scene.params.get("word", len(data.tokenize(scene.params["review"]))))
    assert at.slider(key="word").value == word
    assert f"After word {word}," in at.get_by_key("sentiment-rnn-reading").markdown[0].value
    assert at.number_input(key="order_seed").value == int(scene.params.get("order_seed", 0))


def test_moving_to_the_next_sentiment_scene_moves_the_word():
    at = new_app()
    at.query_params.update({"lesson": "sentiment", "scene": "2"})
    at.switch_page(PAGE)
    at.run()
    assert at.slider(key="word").value == 4
    at.button(key="scene-next").click().run()
    assert_clean(at)
    assert at.slider(key="word").value == 5
