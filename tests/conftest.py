"""Shared fixtures: the seed round as data, and helpers to read generated letters."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from letter_gen.inputs.formats import _TextDateLoader

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "cchc-2021.yaml"
# A copy of ../shared/seed/cong-van-khac-phuc-cchc-2021.txt, so the tests run wherever the clone is.
SEED_LETTER = ROOT / "tests" / "fixtures" / "cong-van-khac-phuc-cchc-2021.txt"


@pytest.fixture
def seed_data() -> dict[str, Any]:
    """The seed letter's inspection round as plain data, a fresh copy per test."""
    return copy.deepcopy(_seed())


_cache: dict[str, Any] = {}


def _seed() -> dict[str, Any]:
    if "seed" not in _cache:
        _cache["seed"] = yaml.load(SAMPLE.read_text(encoding="utf-8"), Loader=_TextDateLoader)
    return _cache["seed"]


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    """Write data as a YAML input file in tmp_path."""

    def write(data: dict[str, Any], name: str = "input.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own user data folder (where the default register lives) and no
    LETTER_GEN_REGISTER: a test never reads or writes the real user's register."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.delenv("LETTER_GEN_REGISTER", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _english_for_shared_fixtures() -> Iterator[None]:
    """English for the module- and session-scoped fixtures too (letters checked once per
    module): pytest sets them up before any function-scoped fixture such as the one below."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LETTER_GEN_LANG", "en")
        yield


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read letter_gen's messages in English (LETTER_GEN_LANG=en); the Vietnamese
    ones, the default, are tested in test_i18n.py, which sets the language it wants."""
    monkeypatch.setenv("LETTER_GEN_LANG", "en")
