"""The shipped deploy/haproxy.cfg in front of a real app process: security headers on every answer, and
Streamlit's internals (metrics, the agent API) refused however the address is spelled."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import streamlit

from explorer.cli.loadtest import protocol as p
from explorer.cli.loadtest import servers

pytestmark = pytest.mark.load

COURSE_SITE = "'self' https://moodle.example.edu"


@pytest.fixture(scope="module")
def app():
    with servers.app_processes(1) as apps:
        yield apps[0]


@pytest.fixture(scope="module")
def proxy_url(app):
    with servers.haproxy([app.url.removeprefix("http://")]) as url:
        yield url


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def _directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}


def _script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def _inline_scripts(html: str) -> list[str]:
    return [b for b in re.findall(r"<script(?:\s[^>]*)?>(.*?)</script>", html, re.S) if b.strip()]


@pytest.mark.parametrize("path", ["/", "/digit", "/static/js/" + "index.js", "/_stcore/health"])
def test_every_answer_carries_the_security_headers(proxy_url, path):
    status, headers, _ = _get(proxy_url + path)
    assert status in (200, 404)  # a missing static file too: a header on the error page costs nothing
    csp = _directives(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"] and csp["connect-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'self'"] and headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_the_policy_allows_exactly_the_inline_scripts_the_app_has(proxy_url):
    """Two inline scripts run: Streamlit's index.html's and the copy-link button's (explorer/app/present.py). Their
    hashes in the policy must be those of the installed Streamlit and of the current button: if either changes,
    the script would be blocked in a hosted class (update deploy/haproxy.cfg with the hash printed here)."""
    from explorer.app import present

    status, headers, page = _get(proxy_url + "/")
    assert status == 200
    shipped = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    assert _inline_scripts(page.decode()) == _inline_scripts(shipped)
    needed = [_script_hash(s) for s in _inline_scripts(shipped) + _inline_scripts(present._COPY_LINK_HTML)]
    allowed = _directives(headers["content-security-policy"])["script-src"]
    assert len(needed) == 2 and sorted(h for h in allowed if h.startswith("'sha256-")) == sorted(needed), needed


@pytest.mark.parametrize(
    "path",
    [
        "/_stcore/metrics",
        "/%5fstcore/metrics",  # percent-encoded: Streamlit decodes it to /_stcore/metrics
        "/_stcore/%6detrics",
        "/_STCORE/metrics",
        "/_stcore/metrics?format=text",
        "/_stcore/agent/openapi.json",
        "/_stcore/script-health-check",
        "/_stcore/bidi-components/../metrics",
    ],
)
def test_internals_are_refused_through_the_proxy(app, proxy_url, path):
    status, _, body = _get(proxy_url + path)
    assert status == 404 and b"session" not in body


def test_metrics_are_there_behind_the_proxy_so_the_refusal_is_the_proxys(app):
    status, _, body = _get(app.url + "/_stcore/metrics")
    assert status == 200 and b"session" in body


def test_what_the_page_needs_passes(proxy_url):
    assert _get(proxy_url + "/_stcore/health")[2] == b"ok"
    status, _, body = _get(proxy_url + "/_stcore/host-config")
    assert status == 200 and b"allowedOrigins" in body

    async def open_digit():
        async with p.Session(proxy_url, "digit") as s:
            run = await s.open()
            assert run.ok and "digit-canvas" in s.widgets

    p.run_async(open_digit())


def test_a_lecturer_can_allow_a_course_site_to_frame_the_app(app, monkeypatch):
    monkeypatch.setenv("EXPLORER_FRAME_ANCESTORS", COURSE_SITE)
    with servers.haproxy([app.url.removeprefix("http://")]) as url:
        _, headers, _ = _get(url + "/")
    assert _directives(headers["content-security-policy"])["frame-ancestors"] == COURSE_SITE.split()
    assert "x-frame-options" not in headers  # SAMEORIGIN would contradict it in browsers without frame-ancestors


def test_the_kubernetes_headers_are_the_proxys():
    """deploy/k8s/headers.yaml (ingress-nginx) sends what deploy/haproxy.cfg sends, with the default framing."""
    import yaml

    root = servers.HAPROXY_CFG.parents[1]
    cfg = servers.HAPROXY_CFG.read_text()
    sent = dict(re.findall(r'http-response set-header ([\w-]+) "?(.+?)"?(?:\s+if .*|\s+#.*)?$', cfg, re.M))
    sent["Content-Security-Policy"] = sent["Content-Security-Policy"].replace("${EXPLORER_FRAME_ANCESTORS}", "'self'")
    k8s = yaml.safe_load((root / "deploy" / "k8s" / "headers.yaml").read_text())["data"]
    assert k8s == {k: v for k, v in sent.items() if k != "X-Replica"}
