"""The class room in a real browser, two contexts on one app: a student draws on the join view's canvas and
sends the sketch; the lecturer's projector shows it without reloading; the lecturer hides it and it disappears;
the lecturer closes the room and the student is told it is closed."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from explorer.cli import appserver
from tests.support.browser import draw, open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e

ONE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]  # a vertical stroke down the middle


@pytest.fixture(scope="module")
def class_url(tmp_path_factory):
    """An app of its own, whose class-room store is a fresh SQLite file (EXPLORER_DATA_DIR in tmp)."""
    folder = tmp_path_factory.mktemp("class-e2e")
    env = {**os.environ, "EXPLORER_DATA_DIR": str(folder), "EXPLORER_WARM_UP": "0"}
    env.pop("EXPLORER_CLASS_STORE", None)
    with open(folder / "streamlit.log", "w") as log, appserver.started_app(log, env=env) as (url, _):
        yield url


def _wall_images(page):
    return page.locator(".st-key-class-wall img")


def test_a_sketch_reaches_the_projector_is_hidden_there_and_the_room_closes_for_the_student(browser, class_url):
    lecturer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    student_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        lecturer, student = lecturer_context.new_page(), student_context.new_page()
        for pg in (lecturer, student):
            pg.set_default_timeout(30_000)
        open_app(lecturer, class_url, "class")
        lecturer.get_by_role("button", name="Start a class room").click()
        wait_for(lecturer, "() => new URLSearchParams(location.search).get('key')?.length >= 32")
        query = parse_qs(urlsplit(lecturer.url).query)
        code = query["room"][0]
        expect(lecturer.get_by_text(f"Room {code}")).to_be_visible()
        expect(lecturer.get_by_text("No sketch yet")).to_be_visible()
        # "Copy link to this view" on the lecturer's screen gives the room's view without the lecturer key
        lecturer.get_by_role("button", name="Copy link to this view").click()
        said = lecturer.locator(".explorer-copy-link span")
        expect(said).to_contain_text("Copied")
        text = said.text_content()  # "Copied: <link>", or "Copied." with the link in the text field (no clipboard)
        field = lecturer.locator(".explorer-copy-link input")
        copied = text.removeprefix("Copied: ") if text.startswith("Copied: ") else field.input_value()
        assert parse_qs(urlsplit(copied).query).get("room") == [code] and "key" not in parse_qs(urlsplit(copied).query)

        open_app(student, class_url, "class", f"?room={code}")  # the join link, as the QR code gives it
        expect(student.get_by_role("button", name="Pause sending")).to_have_count(0)
        draw(student, ONE)
        expect(student.get_by_text("The CNN reads")).to_be_visible(timeout=60_000)
        student.locator(".st-key-class_meant").get_by_text("1", exact=True).click()
        wait_idle(student)
        student.get_by_role("button", name="Send to the class").click()
        expect(student.locator(".st-key-class-sent")).to_contain_text("Sent: the class sees it.")

        expect(_wall_images(lecturer)).to_have_count(1, timeout=15_000)  # the fragment's own refresh, no reload
        link = lecturer.locator(".st-key-class-wall a").first.get_attribute("href")
        assert link.startswith("digit?sketch=")
        expect(lecturer.locator(".st-key-class-wall")).to_contain_text("1 meant")

        option = lecturer.get_by_role("option", name="#1 sketch: meant 1", exact=False)
        for _ in range(6):  # the projector refreshes every second; a refresh may close the list while it opens
            lecturer.locator(".st-key-class_hide_pick").click()
            try:
                option.click(timeout=5_000)
                break
            except PlaywrightTimeoutError:
                continue
        else:
            raise AssertionError("the hide list never stayed open long enough to pick the sketch")
        lecturer.get_by_role("button", name="Hide it").click()
        expect(_wall_images(lecturer)).to_have_count(0, timeout=15_000)
        expect(lecturer.get_by_text("No sketch yet")).to_be_visible()

        lecturer.get_by_role("button", name="Close the room").click()
        expect(lecturer.get_by_text(f"Room {code} is closed")).to_be_visible()
        assert "key" not in parse_qs(urlsplit(lecturer.url).query)

        draw(student, [[(0.3, 0.3), (0.6, 0.6)]])  # the student's next stroke reruns the join view
        expect(student.get_by_text("No open class room has this code")).to_be_visible()
    finally:
        lecturer_context.close()
        student_context.close()


def test_the_lecturers_view_and_its_qr_code_work_under_the_proxys_content_security_policy(watched, proxy_url):
    page = watched.page
    response = page.goto(f"{proxy_url}/class")
    assert "img-src 'self' data:" in response.headers["content-security-policy"]
    wait_idle(page)
    page.get_by_role("button", name="Start a class room").click()
    qr = page.get_by_alt_text("QR code of the join link")
    expect(qr).to_be_visible()
    wait_for(
        page,
        "() => { const i = document.querySelector('img[alt=\"QR code of the join link\"]');"
        " return i && i.complete && i.naturalWidth >= 300 && i.getBoundingClientRect().width >= 300; }",
    )
    expect(page.get_by_text("No sketch yet")).to_be_visible()
    assert watched.violations() == []
