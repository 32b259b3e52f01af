"""Where the cases and the vocabulary are: the `candour` plugin's options, read without MkDocs.

The CLI must work where MkDocs plugins do not run (Zensical, MkDocs 2), so it reads the plugin's
options from `mkdocs.yml` itself. The MkDocs plugin builds the same `Settings` from its config.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from . import rules

DEFAULT_CASES_DIR = "cases"
DEFAULT_VOCABULARY = "cases/vocabulary.yml"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


@dataclass(frozen=True)
class Settings:
    root: FsPath
    cases_dir: FsPath
    vocabulary: FsPath
    options: rules.Options

    @classmethod
    def from_options(cls, root: FsPath, cases_dir: str, vocabulary: str, min_words: int) -> Settings:
        return cls(root, (root / cases_dir).resolve(), (root / vocabulary).resolve(), rules.Options(min_words))


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading that tolerates MkDocs' own tags (`!ENV`, `!relative`, `!!python/name:`)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


class ConfigError(Exception):
    """mkdocs.yml is missing or unreadable; the message says which and how to fix it."""


def find_config(start: FsPath) -> FsPath | None:
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def load_settings(config_file: FsPath | None = None) -> Settings:
    """Settings from the `candour` plugin entry of mkdocs.yml (found upwards from the cwd)."""
    config_file = config_file or find_config(FsPath.cwd())
    if config_file is None:
        raise ConfigError("no mkdocs.yml found here or in any parent folder (run candour from the site's "
                          "folder, or pass --config)")
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_file}: cannot be read: {exc}") from None
    options: dict[str, Any] = {}
    plugins = config.get("plugins") if isinstance(config, dict) else None
    # mkdocs.yml lists plugins either as a list (of names, or of one-key mappings) or as one mapping.
    entries = [plugins] if isinstance(plugins, dict) else plugins if isinstance(plugins, list) else []
    for plugin in entries:
        if isinstance(plugin, dict) and isinstance(plugin.get("candour"), dict):
            options = plugin["candour"]
    return Settings.from_options(
        config_file.parent.resolve(),
        str(options.get("cases_dir", DEFAULT_CASES_DIR)),
        str(options.get("vocabulary", DEFAULT_VOCABULARY)),
        int(options.get("min_words", rules.MIN_WORDS)),
    )
