"""The load test's own machinery against real servers: one app process, and two behind the shipped HAProxy.

Small classes (a few students, short pauses): they check that every action got its answer and nothing broke,
not how fast (speed is measured by `python -m explorer loadtest`, not asserted).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from explorer.cli import appserver
from explorer.cli import loadtest as lt
from explorer.cli.loadtest import protocol as p
from explorer.cli.loadtest import servers
from tests.support.processes import wait_for_output

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app_url():
    with appserver.running_app() as url:
        yield url


@pytest.mark.parametrize("mode", ["draw", "text", "review"])
def test_a_small_class_gets_every_answer_and_no_exception(app_url, mode):
    report = lt.run(app_url, students_n=3, mode=mode, actions=5, think=0.2, ramp=0.5)
    assert report["errors"] == 0, report["problems"]
    kinds = {"draw": ["open", "stroke"], "text": ["open", "edit", "step"], "review": ["open", "review", "word step"]}[
        mode
    ]
    assert all(report[k]["count"] > 0 for k in kinds)
    assert sum(report[k]["count"] for k in kinds) == 3 * 6  # every action was answered


def test_a_malformed_canvas_payload_and_a_burst_are_absorbed(app_url):
    async def scenario():
        async with p.Session(app_url, "digit") as s:
            await s.open()
            canvas = s.widget_id("digit-canvas")
            broken = await s.rerun([p.canvas(canvas, "data:image/png;base64,bm90IGFuIGltYWdl", 1)])
            assert not broken.exceptions and any("could not be read" in n for n in broken.notices)
            wrong_size = await s.rerun([p.canvas(canvas, "data:image/png;base64," + _tiny_png(), 1)])
            assert not wrong_size.exceptions and any("could not be read" in n for n in wrong_size.notices)
            for _ in range(100):  # a held-down key: reruns sent without waiting; stale ones are cut short
                msg = p.BackMsg()
                msg.rerun_script.page_name = "digit"
                await s._ws.send(msg.SerializeToString())
            await s.drain()  # the burst's own last run may finish after the click is sent: not the click's answer
            s.drop_value(canvas)  # the burst sent no canvas (reset to empty): the client sends none from now on
            after = await s.rerun([p.click(s.widget_id("random-digit"))])
            assert after.ok and after.has_text("Prediction: ")

    p.run_async(scenario())


def _tiny_png() -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (7, 7), "white").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_the_shipped_haproxy_config_is_valid():
    env = {"EXPLORER_PROXY_BIND": "127.0.0.1:1", "APP1_ADDR": "127.0.0.1:2", "APP2_ADDR": "127.0.0.1:3"}
    check = subprocess.run(
        [servers.haproxy_binary(), "-c", "-f", str(servers.HAPROXY_CFG)], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    three = servers.haproxy_config(3)
    assert len(re.findall(r"^\s*server app\d", three, re.M)) == 3 and "${APP3_ADDR}" in three


def test_sessions_stay_on_their_replica_through_haproxy():
    """Two replicas behind the shipped config: both get students, and every request of a tab (the page, its
    websocket, a reconnect) reaches the replica that holds its session, which still has its state."""
    with servers.app_processes(2) as apps, servers.haproxy([a.url.removeprefix("http://") for a in apps]) as url:
        report = lt.run(url, replicas=2, students_n=4, mode="text", actions=3, think=0.2, ramp=0.5)
        assert report["errors"] == 0, report["problems"]
        assert set(report["actions_by_replica"]) == {"app1", "app2"}

        async def reconnect():
            cookie, headers = servers.first_visit(url)
            replica = headers["x-replica"]
            async with p.Session(url, "text", cookies=cookie) as s:
                await s.open()
                assert s.response_headers["x-replica"] == replica
                await s.rerun([p.text(s.widget_id("text_input"), "sticky sessions keep this")])
                await s.close()
                await s.connect()  # the browser reconnects with its session id and cookie
                assert s.response_headers["x-replica"] == replica
                again = await s.rerun()
                assert again.has_text("Step 25 of 25"), again.markdown  # the same session: the text is still there

        p.run_async(reconnect())


def test_the_containers_start_command_serves_health():
    """The Dockerfile's CMD, run as it is (no Docker here), on a free port: /_stcore/health answers ok."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    argv = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))
    port = str(appserver.free_port())
    argv[argv.index("--server.port") + 1] = port
    proc = subprocess.Popen(
        [sys.executable, "-m", *argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0
    )
    try:
        # Streamlit says so once its server listens: wait for those words, then it must answer at once
        wait_for_output(proc, b"You can now view your Streamlit app", timeout=120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
            assert r.read() == b"ok"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_the_deployment_files_agree_with_each_other():
    """Docker, compose and Kubernetes name the same port, health path and replicas that HAProxy expects."""
    import yaml

    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "EXPOSE 8501" in dockerfile and "/_stcore/health" in dockerfile and "USER app" in dockerfile
    for folder in (
        "explorer",
        ".streamlit",
    ):  # everything the app reads at run time (assets and lessons inside explorer)
        assert f" {folder} ./{folder}" in dockerfile, f"the image lacks {folder}/"
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    proxy_env = compose["services"]["proxy"]["environment"]
    cfg = servers.HAPROXY_CFG.read_text()
    for name, address in proxy_env.items():
        if name.endswith("_ADDR"):
            assert f"${{{name}}}" in cfg and address.split(":")[0] in compose["services"]
    manifests = {p.stem: yaml.safe_load(p.read_text()) for p in (ROOT / "deploy" / "k8s").glob("*.yaml")}
    container = manifests["deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"][0]["containerPort"] == 8501
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": 8501}
    assert manifests["service"]["spec"]["ports"][0]["targetPort"] == 8501
    assert manifests["ingress"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert manifests["hpa"]["spec"]["scaleTargetRef"]["name"] == manifests["deployment"]["metadata"]["name"]


def test_thirty_students_pressing_play_on_live_training_queue_without_errors(app_url):
    """30 sessions press Play on the Training page at once: two train (the slots), the rest see their place in
    the queue; every tick shows a step or a queue place, and nothing raises."""
    report = lt.run(app_url, students_n=30, mode="train", actions=3, ramp=1.0)
    assert report["errors"] == 0, report["problems"]
    assert report["tick"]["count"] == 90 and report["queued"]["count"] >= 30
