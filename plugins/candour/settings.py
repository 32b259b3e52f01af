"""Where the cases and the vocabulary are: the `candour` plugin's options, read without MkDocs.

The CLI must work where MkDocs plugins do not run (Zensical, MkDocs 2), so it reads the plugin's
options from `mkdocs.yml` itself. The MkDocs plugin builds the same `Settings` from its config.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from . import rules
from .model import did_you_mean

DEFAULT_CASES_DIR = "cases"
DEFAULT_VOCABULARY = "cases/vocabulary.yml"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


class PluginOptions(BaseModel):
    """The `candour` plugin's options in mkdocs.yml: the one schema the CLI and the plugin both check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cases_dir: StrictStr = Field(DEFAULT_CASES_DIR, min_length=1, description="The folder of case files.")
    vocabulary: StrictStr = Field(DEFAULT_VOCABULARY, min_length=1, description="The vocabulary file.")
    min_words: StrictInt = Field(rules.MIN_WORDS, ge=1, le=200,
                                 description="Fewest words in a setback's 'what' and a lesson.")
    search: StrictBool = Field(True, description="Build the Pagefind search index.")
    private_contact: StrictStr | None = Field(
        None, pattern=r"^(?:mailto:)?[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$|^https://[^\s<>\"'`\[\]()]{4,300}$",
        description="Where to send a case privately (an email address or an https:// form), shown on the "
                    "Contribute page for anonymised cases and people who cannot use GitHub.")
    waivers: StrictBool = Field(True, description="Let a case waive a judgement rule (C101-C109) for one field, "
                                                  "with a reason; false refuses every waiver.")


@dataclass(frozen=True)
class Settings:
    root: FsPath
    cases_dir: FsPath
    vocabulary: FsPath
    options: rules.Options
    plugin: PluginOptions = field(default_factory=PluginOptions)

    @classmethod
    def from_options(cls, root: FsPath, options: dict[str, Any]) -> Settings:
        """Settings from the plugin's options; raise `ConfigError` in plain words if any is wrong.

        Paths are made absolute without following symbolic links, so a linked cases folder or
        vocabulary file is seen as a link (and refused), never silently read from elsewhere.
        """
        plugin = _check_options(options)
        root = FsPath(os.path.abspath(root))
        cases_dir = FsPath(os.path.normpath(root / plugin.cases_dir))
        vocabulary = FsPath(os.path.normpath(root / plugin.vocabulary))
        for path, what in ((cases_dir, "cases_dir"), (vocabulary, "vocabulary")):
            if path.is_symlink():
                raise ConfigError(f"{what}: {path} is a symbolic link; links are never followed (use the real path)")
        return cls(root, cases_dir, vocabulary, rules.Options(plugin.min_words, allow_waivers=plugin.waivers), plugin)


def _check_options(options: dict[str, Any]) -> PluginOptions:
    try:
        return PluginOptions.model_validate(options)
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "candour"
            if error["type"] == "extra_forbidden":
                hint = did_you_mean(name, list(PluginOptions.model_fields))
                messages.append(f"'{name}' is not an option of the candour plugin"
                                f" ({hint or 'allowed: ' + ', '.join(PluginOptions.model_fields)})")
            elif name == "private_contact" and error["type"] == "string_pattern_mismatch":
                messages.append(f"the option 'private_contact' must be an email address (cases@network.example) or "
                                f"an https:// address, not {error['input']!r}")
            else:
                field = PluginOptions.model_fields.get(name)
                what = f" ({field.description[0].lower()}{field.description[1:].rstrip('.')})" \
                    if field and field.description else ""
                messages.append(f"the option '{name}'{what}: {error['msg'].lower()}, not {error['input']!r}")
        raise ConfigError("in mkdocs.yml, under the candour plugin: " + "; ".join(messages)) from None


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
    return Settings.from_options(config_file.parent, options)
