"""The servers a load test drives: app processes on loopback, and HAProxy in front of several of them."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from explorer.cli import appserver

HAPROXY_CFG = Path(__file__).resolve().parents[3] / "deploy" / "haproxy.cfg"
HAPROXY_CANDIDATES = ("haproxy", "/usr/sbin/haproxy")


@dataclass(frozen=True)
class App:
    url: str
    pid: int


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextlib.contextmanager
def app_processes(n: int, log_dir: Path | None = None, env: dict[str, str] | None = None):
    """n `streamlit run streamlit_app.py` processes, each on its own free loopback port, with `env` added to this
    process's environment (a value "" removes the variable); yields [App]."""
    environment = None
    if env:
        environment = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    with contextlib.ExitStack() as stack:
        apps = []
        for i in range(n):
            log = None
            if log_dir is not None:
                log = stack.enter_context(open(log_dir / f"app{i + 1}.log", "w"))
            apps.append(stack.enter_context(appserver.started_app(log, env=environment)))
        yield [App(url, proc.pid) for url, proc in apps]


def haproxy_binary() -> str:
    for name in HAPROXY_CANDIDATES:
        found = shutil.which(name) or (name if Path(name).exists() else None)
        if found:
            return found
    raise RuntimeError("HAProxy is not installed: `apt-get install haproxy` (scripts/test.sh does)")


def haproxy_config(n_backends: int, shipped: Path = HAPROXY_CFG) -> str:
    """The shipped deploy/haproxy.cfg, with one `server` line per replica when there are not exactly two."""
    text = shipped.read_text()
    if n_backends == 2:
        return text
    lines = text.splitlines()
    servers = [i for i, line in enumerate(lines) if line.strip().startswith("server app")]
    template = lines[servers[0]]
    made = [template.replace("app1", f"app{k}").replace("APP1", f"APP{k}") for k in range(1, n_backends + 1)]
    return "\n".join(lines[: servers[0]] + made + lines[servers[-1] + 1 :]) + "\n"


@contextlib.contextmanager
def haproxy(backends: list[str], log=None, timeout: float = 30.0):
    """HAProxy on a free loopback port in front of `backends` ("127.0.0.1:port"), with the shipped config."""
    port = appserver.free_port()
    env = {**os.environ, "EXPLORER_PROXY_BIND": f"127.0.0.1:{port}"}
    for k, address in enumerate(backends, start=1):
        env[f"APP{k}_ADDR"] = address
    with tempfile.TemporaryDirectory() as folder:
        cfg = Path(folder) / "haproxy.cfg"
        cfg.write_text(haproxy_config(len(backends)))
        check = subprocess.run([haproxy_binary(), "-c", "-f", str(cfg)], env=env, capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"haproxy rejected its configuration:\n{check.stdout}{check.stderr}")
        url = f"http://127.0.0.1:{port}"
        command = [haproxy_binary(), "-db", "-f", str(cfg)]
        with appserver.serving(command, url, "haproxy", timeout=timeout, log=log, env=env, stop_s=10.0):
            yield url


# The options deploy/compose.yaml and deploy/k8s/redis.yaml give Redis (tests/load/test_class_load.py checks that
# they agree): every acknowledged write fsynced to the append-only file before the reply; full = refuse, not evict.
REDIS_OPTIONS = ("--appendonly", "yes", "--appendfsync", "always", "--save", "",
                 "--maxmemory", "256mb", "--maxmemory-policy", "noeviction")  # fmt: skip
REDIS_SERVER = "/usr/bin/redis-server"  # Debian's; scripts/test.sh installs it


@contextlib.contextmanager
def redis_server(folder: Path, timeout: float = 30.0):
    """redis-server with the shipped options on a free loopback port, its files in `folder`; yields its URL once
    it answers PING, and stops it (SIGTERM) on exit."""
    import redis

    folder.mkdir(parents=True, exist_ok=True)
    port = appserver.free_port()
    command = [REDIS_SERVER, *REDIS_OPTIONS, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    url = f"redis://127.0.0.1:{port}/0"
    with open(folder / "redis.log", "w") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1.0)
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"redis-server exited with {proc.returncode}: {(folder / 'redis.log').read_text()}"
                    )
                with contextlib.suppress(redis.exceptions.ConnectionError):
                    if client.ping():
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not answer PING in time")
                time.sleep(0.1)  # it is starting; the next PING is all there is to wait on
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def first_visit(url: str) -> tuple[str, dict[str, str]]:
    """GET the app's page through `url` as a browser's first visit: (Cookie header to send back, response headers)."""
    with urllib.request.urlopen(f"{url}/", timeout=30) as r:
        headers = {k.lower(): v for k, v in r.headers.items()}
        cookies = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []]
    return "; ".join(cookies), headers
