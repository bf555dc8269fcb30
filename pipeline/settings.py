"""Settings and vocabularies: defaults in `defaults.toml`, overridden by a config file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.statuses import VALUES
from pipeline.timescales import Conventions

CONFIG_NAME = "actionplan.toml"


@dataclass(frozen=True)
class Settings:
    """Header synonyms, label patterns and bullet glyphs, ready to use."""

    headers: dict[str, tuple[str, ...]]
    not_plan: tuple[str, ...]
    label_patterns: tuple[re.Pattern[str], ...]
    strong_label_patterns: tuple[re.Pattern[str], ...]
    label_column_patterns: tuple[re.Pattern[str], ...]
    id_prefix: str
    bullets: tuple[str, ...]
    owner_aliases: dict[str, str]
    owner_prefixes: tuple[str, ...]
    statuses: dict[str, tuple[str, ...]]
    rag_words: tuple[str, ...]
    rag_values: dict[str, str]
    conventions: Conventions


@cache
def _defaults() -> dict[str, Any]:
    text = resources.files("pipeline").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Given defaults and overrides, return defaults with word lists extended and everything else replaced."""
    out = dict(base)
    replace = bool(override.get("replace", False))
    for key, value in override.items():
        if key == "replace":
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        elif (
            isinstance(value, list)
            and isinstance(base.get(key), list)
            and not replace
            and all(isinstance(v, str) for v in value)
        ):
            out[key] = [*value, *[v for v in base[key] if v not in value]]
        else:
            out[key] = value
    return out


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Given a TOML file and what it is ("config file", "meta file"), return its contents or raise a one-line ConfigError."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), f"{what} not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(path), f"cannot read the {what} ({error}); fix it or leave it out") from None


def find_config(given: str | Path | None) -> Path | None:
    """Given the config file a user named (or None), return the one to read: it, else `actionplan.toml` in the
    working directory when there is one, else None. Only the command line looks there; library code is
    given its settings."""
    if given:
        return Path(given)
    here = Path(CONFIG_NAME)
    return here if here.is_file() else None


@cache
def default_settings() -> Settings:
    """Return the built-in settings (the package's defaults.toml), read once."""
    return _build(_defaults(), "defaults.toml")


def load_settings(path: str | Path | None = None) -> Settings:
    """Given a config file (or None: the defaults), return the settings: the defaults, then the file's."""
    if path is None:
        return default_settings()
    config = Path(path)
    data = _defaults()
    given = read_toml(config, "config file")
    wrong = _wrong_shape(data, given, [])
    if wrong:
        raise ConfigError(str(config), f"{wrong}; see the README's configuration section")
    return _build(_merge(data, given), str(config))


def _build(data: dict[str, Any], config: str) -> Settings:
    """Given merged settings data and where it came from, return them ready to use."""
    try:
        headers = {field: tuple(str(s) for s in words) for field, words in data["headers"].items()}
        labels = data["labels"]
        return Settings(
            headers=headers,
            not_plan=tuple(str(w) for w in data.get("tables", {}).get("not_plan", [])),
            label_patterns=tuple(re.compile(p) for p in labels["patterns"]),
            strong_label_patterns=tuple(re.compile(p) for p in labels.get("strong_patterns", labels["patterns"])),
            label_column_patterns=tuple(re.compile(p) for p in labels["label_column_patterns"]),
            id_prefix=str(labels.get("id_prefix", "R")),
            bullets=tuple(str(b) for b in data["owners"]["bullets"]),
            owner_aliases={str(k): str(v) for k, v in data["owners"].get("aliases", {}).items()},
            owner_prefixes=tuple(str(p) for p in data["owners"].get("strip_prefixes", [])),
            statuses=_statuses(data["statuses"]),
            rag_words=tuple(str(w) for w in data["rag"]["words"]),
            rag_values={str(k).lower(): str(v) for k, v in data["rag"]["values"].items()},
            conventions=_conventions(data["timescales"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise ConfigError(config, f"bad setting ({error}); see the README's configuration section") from None


def kind_of(value: Any) -> str:
    """Given a value read from TOML, return what it is in words, with the value: 'text ("1")', 'a number (5)'."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f'text ("{value[:40]}")'
    if isinstance(value, list):
        odd = [v for v in value if not isinstance(v, str)] or value
        return f"a list holding {kind_of(odd[0])}" if odd else "an empty list"
    if isinstance(value, dict):
        return "a table"
    return f"a date or time ({value})"


def _expected(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, str):
        return "text in quotes"
    if isinstance(default, dict):
        return "a table"
    if isinstance(default, list) and default and all(isinstance(v, int) for v in default):
        return "a list of whole numbers, e.g. [1, 4]"
    return 'a list of text, e.g. ["Word"]'


def _fits(default: Any, value: Any) -> bool:
    if isinstance(default, (bool, str, dict)):
        return isinstance(value, type(default))
    if isinstance(default, list) and default and all(isinstance(v, int) for v in default):
        return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _wrong_shape(default: dict[str, Any], given: dict[str, Any], where: list[str]) -> str | None:
    """Given the defaults and a config table, return a sentence naming the first key whose value has the wrong type."""
    examples = list(default.values())
    for key, value in given.items():
        if key == "replace" and where:
            expected: Any = False
        elif key in default:
            expected = default[key]
        elif where and (not examples or all(type(v) is type(examples[0]) for v in examples)):
            expected = examples[0] if examples else ""  # a free table (aliases): every value is like the others
        else:
            continue  # an unknown table or key: ignored
        name = (f"[{'.'.join(where)}] " if where else "") + str(key)
        if not _fits(expected, value):
            return f"{name} should be {_expected(expected)}, not {kind_of(value)}"
        if isinstance(expected, dict):
            wrong = _wrong_shape(expected, value, [*where, str(key)])
            if wrong:
                return wrong
    return None


def _statuses(table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    out = {}
    for value, words in table.items():
        if value == "replace":
            continue
        if value not in VALUES:
            raise ValueError(f"unknown status value {value!r} (use one of {', '.join(VALUES)})")
        out[value] = tuple(str(w) for w in words)
    return out


def _conventions(table: dict[str, Any]) -> Conventions:
    def months(key: str) -> tuple[int, int]:
        if len(table[key]) != 2:
            raise ValueError(f"[timescales] {key} should be two month numbers [first, last], e.g. [1, 4]")
        first, last = (int(m) for m in table[key])
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise ValueError(f"[timescales] {key} months must be 1-12")
        return first, last

    parts = tuple((name, *months(name)) for name in ("early", "mid", "late"))
    seasons = tuple((name, *months(name)) for name in ("spring", "summer", "autumn", "winter"))
    seasons += (("fall", *months("autumn")),)
    return Conventions(parts, str(table["parts_rule"]), seasons, str(table["seasons_rule"]))
