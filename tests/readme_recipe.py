"""The README's recipe "Add the plugins to your own Wagtail site", as the tests follow it: its
code blocks read from the README (so the text and the tests cannot drift apart), and a virtual
environment where its install block has been run, built once per test session and shared by the
tests that install the plugins into a site (tests/plugin_host/test_wheel.py,
tests/existing_site/).

Building the environment needs PyPI (a minute or two with a warm pip cache); without network the
tests that use it skip, except in CI.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Add the plugins to your own Wagtail site"


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block in the README's plugin section, in order."""
    text = (ROOT / "README.md").read_text()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def command_lines(block: tuple[str, str]) -> list[list[str]]:
    """The commands of a ``sh`` block, split as the shell would (comments and blank lines out)."""
    language, code = block
    assert language == "sh", block
    lines = [line.strip() for line in code.splitlines()]
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


def run(args, cwd, env, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command; with ``check``, fail the test with its output unless it succeeds."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert result.returncode == 0, f"{shlex.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


def output(args, cwd, env) -> str:
    result = run(args, cwd, env)
    return result.stdout + result.stderr


@dataclass(frozen=True)
class Venv:
    """A virtual environment with the plugins installed by the README's install block."""

    path: Path
    env: dict[str, str]  # the environment to run its commands in (no DATABASE_URL)

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"


def build_venv(directory: Path) -> Venv:
    """A fresh virtual environment in ``directory``; the README's install commands run in it,
    with this checkout as the repository."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    env.pop("DATABASE_URL", None)
    path = directory / "venv"
    run([sys.executable, "-m", "venv", path], directory, env)
    env["PATH"] = f"{path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(path)
    venv = Venv(path, env)
    install = readme_blocks()[0]
    # setuptools reuses build/ in the tree; a stale copy there could hide a file deleted since.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    try:
        for line in install[1].strip().splitlines():
            command = shlex.split(line.replace("/path/to/this/repository", str(ROOT)))
            assert command[0] == "pip"
            run([venv.python, "-m", "pip", "--quiet", *command[1:]], directory, env)
    finally:  # leave the checkout as it was
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        shutil.rmtree(ROOT / "jour_lms_plugins.egg-info", ignore_errors=True)
    return venv
