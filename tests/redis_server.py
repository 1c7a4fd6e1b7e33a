"""A throw-away redis-server on a free loopback port, in a directory of its own (no
persistence): for the cache tests and the topology test (tests/topology/run.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def available() -> bool:
    return os.path.exists(REDIS_SERVER)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``start()``, ``stop()`` and ``start()`` again on the same port; ``url`` for REDIS_URL.
    With a ``password`` it requires one (``requirepass``), as the production guide sets up."""

    def __init__(self, directory: Path, port: int | None = None, password: str | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.password = password
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{f':{self.password}@' if self.password else ''}127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
        ]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"]
        # A cache with a bound, as the production guide sets it up.
        command += ["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"]
        if self.password:
            command += ["--requirepass", self.password]
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited ({self.process.returncode}); see {self.directory}/redis.log"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    if self.password:
                        conn.sendall(f"AUTH {self.password}\r\n".encode())
                        conn.recv(16)
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
