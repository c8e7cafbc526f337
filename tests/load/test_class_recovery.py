"""A class room survives its app process being killed, and Redis going away, with nothing acknowledged lost.

A writer process (this module run with `python -m`) opens the store as the app does (`open_store()`, from the
environment), sends real sketches to one room and prints `ack <id>` only after `add_submission` has returned,
which is when the app would show the student "sent". The test kills it with SIGKILL mid-stream (no clean-up,
no flush), starts it again, and reads the room back through a store object of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from explorer.classroom import Sketch, StoreUnavailable, open_store
from tests.support.processes import wait_for_output
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]
SKETCHES = 40  # distinct held-out sketches; submission i sends sketch i % SKETCHES
RETRY_S = 0.2  # the writer's pause before retrying a send the store could not take (a client's back-off)
ACK = re.compile(rb"^ack (sub\d{6})$", re.MULTILINE)


def submission_id(i: int) -> str:
    return f"sub{i:06d}"


def session_id(i: int) -> str:
    return f"session{i:06d}"  # one session per submission: the per-session rate limit stays as shipped


# ---------------------------------------------------------------------------------------------- the writer


def write(code: str, first: int, last: int, sketches_file: str) -> None:
    """Send submissions first..last-1 to room `code`, each until the store takes it; print `ack <id>` after each
    is acknowledged, `unavailable <message>` for each refusal of an unreachable store, and `done` at the end."""
    with np.load(sketches_file) as f:
        arrays = {k: f[k] for k in ("pixels", "meant", "cnn", "rnn")}
    store = open_store()
    for i in range(first, last):
        k = i % len(arrays["meant"])
        sketch = Sketch(arrays["pixels"][k], int(arrays["meant"][k]), arrays["cnn"][k], arrays["rnn"][k])
        while True:
            try:
                kept = store.add_submission(code, session_id(i), submission_id(i), sketch)
                break
            except StoreUnavailable as error:
                print(f"unavailable {error}", flush=True)
                time.sleep(RETRY_S)
        print(f"ack {kept.id}", flush=True)
    print("done", flush=True)


def start_writer(env: dict[str, str], code: str, first: int, last: int, sketches_file: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.load.test_class_recovery", code, str(first), str(last), str(sketches_file)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)


def acknowledged(said: bytes) -> list[str]:
    return [m.decode() for m in ACK.findall(said)]


# ---------------------------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def sketches(tmp_path_factory) -> tuple[Path, list[Sketch]]:
    """Held-out digits with the trained CNN's and row RNN's answers, in a file the writer reads."""
    from explorer.cli.loadtest.class_sketches import heldout_sketches  # JAX: here, not in every writer process

    made = heldout_sketches(SKETCHES)
    path = tmp_path_factory.mktemp("sketches") / "sketches.npz"
    np.savez(
        path,
        pixels=np.stack([s.pixels for s in made]),
        meant=np.array([s.meant for s in made]),
        cnn=np.stack([s.cnn for s in made]),
        rnn=np.stack([s.rnn for s in made]),
    )
    return path, made


@pytest.fixture(params=["sqlite", "redis"])
def place(request, tmp_path, monkeypatch):
    """The environment an app process would have (EXPLORER_DATA_DIR for SQLite, EXPLORER_CLASS_STORE for a Redis
    with appendonly yes and appendfsync always, as deploy/ configures it), set here too; yields (env, redis or
    None)."""
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    server = None
    if request.param == "redis":
        server = RedisServer(tmp_path / "redis", appendonly=True).start()
        monkeypatch.setenv("EXPLORER_CLASS_STORE", server.url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    yield env, server
    if server is not None:
        server.stop()


def kept_ids(code: str) -> list[str]:
    """Every shown submission's id, read by a store object that did not write them (another process's view)."""
    return [s.id for s in open_store().submissions_since(code, 0).added]


def assert_kept_as_sent(code: str, sketches: list[Sketch]) -> None:
    for s in open_store().submissions_since(code, 0).added:
        sent = sketches[int(s.id.removeprefix("sub")) % SKETCHES]
        assert np.array_equal(s.content.pixels, sent.pixels) and s.content.meant == sent.meant
        assert np.array_equal(s.content.cnn, sent.cnn) and np.array_equal(s.content.rnn, sent.rnn)


def test_a_writer_killed_mid_class_loses_nothing_acknowledged_and_a_restart_adds_each_once(place, sketches):
    env, server = place
    sketches_file, sent = sketches
    code = open_store().create_room().code
    writer = start_writer(env, code, 0, 100_000, sketches_file)
    said = wait_for_output(writer, b"ack sub000040\n", timeout=120)
    writer.kill()  # SIGKILL mid-stream: no finally, no atexit, no flush
    writer.wait(timeout=30)
    said += writer.stdout.read()
    first = acknowledged(said)
    assert b"done" not in said and len(first) >= 41 and first == [submission_id(i) for i in range(len(first))]
    if server is not None:  # and the Redis server with it: only its fsynced append-only file survives
        server.kill()
        server.start()
    kept = kept_ids(code)
    assert set(first) <= set(kept)  # every acknowledged one is there
    assert len(kept) == len(set(kept)) and len(kept) - len(first) <= 1  # once each; at most the one in flight more
    assert kept == [submission_id(i) for i in range(len(kept))]

    # The restarted writer sends everything again from the start (a client retrying what it cannot know was
    # kept), then 20 new ones: each is kept exactly once.
    last = len(kept) + 20
    writer = start_writer(env, code, 0, last, sketches_file)
    said = wait_for_output(writer, b"done\n", timeout=120)
    assert writer.wait(timeout=30) == 0
    assert acknowledged(said) == [submission_id(i) for i in range(last)]
    assert kept_ids(code) == [submission_id(i) for i in range(last)]
    assert open_store().count(code) == last
    assert_kept_as_sent(code, sent)


def test_redis_stopped_mid_class_is_unreachable_then_recovers_with_nothing_acknowledged_lost(
    tmp_path, monkeypatch, sketches
):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    monkeypatch.setenv("EXPLORER_CLASS_STORE", server.url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sketches_file, sent = sketches
    try:
        code = open_store().create_room().code
        last = 80
        writer = start_writer(env, code, 0, last, sketches_file)
        said = wait_for_output(writer, b"ack sub000020\n", timeout=120)
        server.kill()  # Redis gone mid-class, without saving anything on the way out
        with pytest.raises(StoreUnavailable, match="unreachable"):
            open_store().room(code)
        said += wait_for_output(writer, b"unavailable The class room is unreachable just now", timeout=60)
        server.start()  # back, on the same port, from its append-only file
        said += wait_for_output(writer, b"done\n", timeout=120)
        assert writer.wait(timeout=30) == 0
        acks = acknowledged(said)
        assert acks == [submission_id(i) for i in range(last)]  # every send went through in the end, in order
        assert kept_ids(code) == acks  # each kept once, nothing acknowledged lost
        assert open_store().count(code) == last
        assert_kept_as_sent(code, sent)
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------- the app itself


def test_an_app_process_killed_mid_class_shows_every_acknowledged_sketch_once_restarted(tmp_path, monkeypatch):
    """The real thing, on SQLite: students send through the Class page of a `streamlit run`; once three pages
    have said "Sent" the process is killed with SIGKILL while the others are still drawing and sending; a new
    process on the same data directory shows the lecturer every acknowledged sketch, each once."""
    import asyncio
    import urllib.parse

    from explorer.cli import appserver
    from explorer.cli.loadtest import classroom
    from explorer.cli.loadtest import protocol as p
    from explorer.data import digits

    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    heldout = digits.load_heldout()

    async def class_until_killed(url: str, proc: subprocess.Popen) -> tuple[classroom.ClassPlan, str]:
        lecturer, _ = await classroom.start_room(url, "")
        code = urllib.parse.parse_qs(lecturer.query)["room"][0]
        plan = classroom.ClassPlan(url, code, sketches=1, duration=6.0)
        made = [classroom.drawings(i, 1, heldout) for i in range(8)]
        students = [asyncio.create_task(classroom.student(plan, i, 0.5 * i, made[i])) for i in range(8)]
        while len(plan.sends) < 3:
            await asyncio.sleep(0.05)  # the driver's own poll of its students' progress
        proc.kill()  # SIGKILL mid-class: students still drawing and sending
        await asyncio.gather(*students)
        await lecturer.close()
        return plan, lecturer.query

    with appserver.started_app() as (url, proc):
        plan, lecturer_query = p.run_async(class_until_killed(url, proc))
    assert 3 <= len(plan.sends) < 8 and any(a.kind == "error" for a in plan.log)  # it died mid-class

    async def projector(url: str) -> p.Run:
        async with p.Session(url, "class", query=lecturer_query) as s:
            return await s.open()

    with appserver.started_app() as (url, _):
        run = p.run_async(projector(url))
    shown = int(classroom.WALL_COUNT.search(" ".join(run.markdown)).group(1))
    walls = [body for body in run.html if classroom.SKETCH_LINK.search(body)]
    on_wall = [classroom.sketch_key(t) for t in classroom.SKETCH_LINK.findall(walls[0])]
    acked = [s.key for s in plan.sends]
    assert not run.exceptions and set(acked) <= set(on_wall) and len(on_wall) == len(set(on_wall)) == shown
    assert shown <= 8  # the acknowledged ones, and at most the sends that were in flight besides


# ---------------------------------------------------------------------------------------------- the shipped settings


def test_the_shipped_redis_runs_with_the_durability_tested_here(tmp_path):
    """deploy/compose.yaml and deploy/k8s give Redis the same options, which include those the tests above ran
    it with (appendonly yes, appendfsync always); a real redis-server takes them and reports them; and the app
    containers name that Redis in EXPLORER_CLASS_STORE."""
    import redis
    import yaml

    from explorer.cli.appserver import free_port

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    k8s = {p.stem: yaml.safe_load(p.read_text()) for p in (ROOT / "deploy" / "k8s").glob("*.yaml")}
    options = compose["redis"]["command"][1:]
    assert k8s["redis"]["spec"]["template"]["spec"]["containers"][0]["args"] == options
    for app in ("app1", "app2"):
        assert compose[app]["environment"]["EXPLORER_CLASS_STORE"] == "redis://redis:6379/0"
    env = {e["name"]: e["value"] for e in k8s["deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    service = k8s["redis-service"]
    assert (
        env["EXPLORER_CLASS_STORE"] == f"redis://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}/0"
    )
    assert service["spec"]["selector"] == k8s["redis"]["spec"]["template"]["metadata"]["labels"]

    port = free_port()
    command = ["/usr/bin/redis-server", *options, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
    try:
        wait_for_output(server, b"Ready to accept connections", timeout=30)
        config = redis.Redis(port=port, decode_responses=True).config_get("*")
        assert config["appendonly"] == "yes" and config["appendfsync"] == "always"
        assert config["maxmemory-policy"] == "noeviction" and config["save"] == ""
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
