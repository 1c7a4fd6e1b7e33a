"""The house rules that a parser can check: no function of the project is longer than
``MAX_LINES`` lines (from its ``def`` to its last line, decorators not counted).

A long function is several steps under one name; split it into well-named functions, one per
step (a section, a column, a kind of row). Not checked: virtual environments and other hidden
directories, migrations (generated), and ``benchmarks/`` at the root (the hand-written SQL
baselines are long queries on purpose).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 80
#: Directories not walked, wherever they are; hidden ones (``.venv``, ``.git``) are skipped too.
SKIPPED_DIRECTORIES = {"migrations", "node_modules", "__pycache__", "build", "test-artifacts"}
#: Directories not walked, relative to the root.
SKIPPED_PATHS = {"benchmarks"}


class LongFunction(NamedTuple):
    path: str  # relative to the root walked, with "/"
    line: int
    name: str
    length: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name} {self.length}"


def python_files(root: Path) -> Iterator[Path]:
    """Every ``.py`` file under ``root``, outside the skipped directories."""
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".")
            and name not in SKIPPED_DIRECTORIES
            and (here / name).relative_to(root).as_posix() not in SKIPPED_PATHS
        )
        yield from (here / name for name in sorted(files) if name.endswith(".py"))


def long_functions(root: Path, max_lines: int = MAX_LINES) -> list[LongFunction]:
    """The functions and methods (nested ones too) under ``root`` longer than ``max_lines``."""
    found = []
    for path in python_files(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > max_lines:
                    found.append(
                        LongFunction(path.relative_to(root).as_posix(), node.lineno, node.name, length)
                    )
    return sorted(found)


def test_no_function_is_longer_than_80_lines():
    found = long_functions(ROOT)
    assert not found, f"functions over {MAX_LINES} lines (path:line name length):\n" + "\n".join(
        map(str, found)
    )


def function_of(name: str, lines: int, indent: str = "") -> str:
    """The source of a function ``lines`` lines long, its ``def`` line included."""
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(lines - 2))
    return f"{indent}def {name}():\n{body}{indent}    return 0\n"


def test_the_check_finds_a_long_function_and_names_it(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "long.py").write_text(
        "import functools\n\n\n"
        + function_of("just_short_enough", MAX_LINES)
        + "\n\n@functools.cache\n"
        + function_of("one_line_too_many", MAX_LINES + 1)
        + "\n\nclass Holder:\n"
        + function_of("long_method", MAX_LINES + 5, indent="    ")
    )
    for skipped in ("migrations", ".venv", "benchmarks"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "long.py").write_text(function_of("skipped", MAX_LINES * 2))
    (tmp_path / "app" / "benchmarks").mkdir()  # only the root's benchmarks/ is skipped
    (tmp_path / "app" / "benchmarks" / "case.py").write_text(function_of("nested_dir", MAX_LINES + 1))

    found = [str(function) for function in long_functions(tmp_path)]

    start = 4 + MAX_LINES + 3  # after the import, the first function and the decorator
    assert found == [
        "app/benchmarks/case.py:1 nested_dir 81",
        f"app/long.py:{start} one_line_too_many 81",
        f"app/long.py:{start + MAX_LINES + 1 + 3} long_method 85",
    ]
