"""A real redis-server on a free loopback port, in a directory of its own, for the class-room store tests."""

import socket
import subprocess
import threading
from pathlib import Path

REDIS_SERVER = "/usr/bin/redis-server"  # Debian's redis-server; scripts/test.sh installs it when missing
READY = "Ready to accept connections"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """Start with start(), stop with stop() (SIGTERM) or kill() (SIGKILL: no chance to save anything); start()
    again on the same port and directory brings back what its append-only file holds."""

    def __init__(self, folder: Path, appendonly: bool = False) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        # ordering: appendfsync always fsyncs the AOF before a write's reply goes out (acknowledged = on disk)
        durability = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else ["--appendonly", "no"]
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        command += ["--save", "", *durability, "--loglevel", "notice", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen = []
        for line in self.process.stdout:  # wait on the server's own word that it listens, not on a timer
            seen.append(line)
            if READY in line:
                break
        else:
            raise RuntimeError("redis-server did not start:\n" + "".join(seen))
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # keep its pipe drained
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
