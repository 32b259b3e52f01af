"""A casebook's settings: the `candour` plugin's options and the site's name, checked by one schema.

The CLI must work where MkDocs plugins do not run (Zensical, MkDocs 2), so it reads `mkdocs.yml`
itself, as MkDocs does: `INHERIT` merges a parent file in, `!ENV` reads environment variables. The
MkDocs plugin builds the same `Settings` from the options MkDocs read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError, field_validator

from .names import SLUG_RE, did_you_mean, slugify
from .options import MIN_WORDS, Options
from .plain_text import plain_text_issue
from .problems import display_name
from .vocabulary import Vocabulary, load_vocabulary

DEFAULT_CASES_DIR = "cases"
DEFAULT_VOCABULARY = "cases/vocabulary.yml"
DEFAULT_NETWORK_DIR = "network"
#: Most peers one casebook may list: each is fetched on every run of `candour federate`.
MAX_PEERS = 200
#: Longest one fetched file may take, from connecting to its last byte (`candour federate --timeout`).
FETCH_TIMEOUT_SECONDS = 30.0
#: Largest file taken from a peer: 10,000 cases are about 30 MB (`candour federate --max-mb`).
FETCH_MAX_BYTES = 50_000_000
#: The kinds of term a peer's mapping may fold into the index's own.
_MAPPED_KINDS = ("regions", "services", "themes", "partners")
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


class PeerOption(BaseModel):
    """One peer casebook the index federates: its name, its public address, and how its terms fold into ours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: StrictStr = Field(min_length=1, max_length=80, description="The network's name, as readers see it.")
    url: StrictStr = Field(max_length=300,
                           description="The casebook's public address, where its cases.json is: https://.../")
    id: StrictStr | None = Field(None, description="A short name for its snapshot file (network/<id>.json); "
                                                   "made from the name when not given.")
    terms: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Its terms folded into this casebook's: themes: {its-term: our-term}.")

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        issue = plain_text_issue(value)
        if issue or "\n" in value or not value.strip():
            why = issue[0] if issue else "it has a line break" if "\n" in value else "it is blank"
            raise ValueError(f"the name must be one line of plain text ({why})")
        return value.strip()

    @field_validator("url")
    @classmethod
    def _public_address(cls, value: str) -> str:
        return peer_address(value)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and (not SLUG_RE.match(value) or len(value) > 60):
            raise ValueError("the id must be lower-case letters, digits and single hyphens, like nw-housing")
        return value

    @field_validator("terms")
    @classmethod
    def _kinds(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for kind, mapping in value.items():
            if kind not in _MAPPED_KINDS:
                raise ValueError(f"terms can fold {', '.join(_MAPPED_KINDS)}, not {kind!r}")
            for theirs, ours in mapping.items():
                if not (isinstance(theirs, str) and isinstance(ours, str) and SLUG_RE.match(theirs)
                        and SLUG_RE.match(ours)):
                    raise ValueError(f"under terms.{kind}, write each as their-term: our-term (lower-case terms)")
        return value

    @property
    def key(self) -> str:
        """The peer's snapshot name."""
        return self.id or slugify(self.name, "peer")[:60].strip("-")


def peer_address(value: str) -> str:
    """A casebook's public address, checked, ending in '/'; raises ValueError in plain words."""
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.username is None \
            and not parts.query and not parts.fragment and parts.port != 0
    except ValueError:
        ok = False
    if not ok or any(ch.isspace() or ch in '\\"\'<>`' for ch in value):
        raise ValueError(f"{value!r} is not a casebook's public address: write it in full, like "
                         "https://casebook.network.example/")
    return value if value.endswith("/") else value + "/"


class PluginOptions(BaseModel):
    """The `candour` plugin's options in mkdocs.yml: the one schema the CLI and the plugin both check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cases_dir: StrictStr = Field(DEFAULT_CASES_DIR, min_length=1, description="The folder of case files.")
    vocabulary: StrictStr = Field(DEFAULT_VOCABULARY, min_length=1, description="The vocabulary file.")
    min_words: StrictInt = Field(MIN_WORDS, ge=1, le=200,
                                 description="Fewest words in a setback's 'what' and a lesson.")
    search: StrictBool = Field(True, description="Build the Pagefind search index.")
    search_stories: StrictBool = Field(
        False, description="Search each case's story too, not only its title, summary, setbacks, lessons, what worked "
                           "and updates: at 10,000 cases, about four times the download of a search and of the "
                           "index's memory (see docs/performance.md).")
    private_contact: StrictStr | None = Field(
        None, pattern=r"^(?:mailto:)?[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$|^https://[^\s<>\"'`\[\]()]{4,300}$",
        description="Where to send a case privately (an email address or an https:// form), shown on the "
                    "Contribute page for anonymised cases and people who cannot use GitHub.")
    waivers: StrictBool = Field(True, description="Let a case waive a judgement rule (C101-C109) for one field, "
                                                  "with a reason; false refuses every waiver.")
    peers: list[PeerOption] = Field(default_factory=list, max_length=MAX_PEERS,
                                    description="Other networks' casebooks this one indexes (candour federate).")
    network_dir: StrictStr = Field(DEFAULT_NETWORK_DIR, min_length=1,
                                   description="The folder of the peers' snapshots that candour federate writes.")

    @field_validator("peers")
    @classmethod
    def _distinct(cls, value: list[PeerOption]) -> list[PeerOption]:
        for what, fix in (("address", "list it once"), ("name", "readers tell networks apart by name: rename one"),
                          ("id", "give one an 'id' of its own")):
            seen: set[str] = set()
            for peer in value:
                same = peer.key if what == "id" else peer.url.lower() if what == "address" else peer.name.casefold()
                if same in seen:
                    raise ValueError(f"two peers have the same {what}, {same!r}: {fix}")
                seen.add(same)
        return value


@dataclass(frozen=True)
class Settings:
    root: FsPath
    cases_dir: FsPath
    vocabulary: FsPath
    options: Options
    plugin: PluginOptions = field(default_factory=PluginOptions)
    site_url: str = ""  # the casebook's own public address (mkdocs.yml's site_url), '' when not set

    @property
    def network_dir(self) -> FsPath:
        """The folder of the peers' snapshots."""
        return FsPath(os.path.normpath(self.root / self.plugin.network_dir))

    @classmethod
    def from_options(cls, root: FsPath, options: dict[str, Any], site_name: str | None = None,
                     site_url: str | None = None) -> Settings:
        """Settings from the plugin's options; raise `ConfigError` in plain words if any is wrong.

        Paths are made absolute without following symbolic links, so a linked cases folder or
        vocabulary file is seen as a link (and refused), never silently read from elsewhere.
        """
        # An option set to nothing (or to an unset `!ENV` variable) has its default, as MkDocs gives it.
        plugin = _check_options({name: value for name, value in options.items() if value is not None})
        problem = site_name_problem(site_name) if site_name is not None else None
        if problem:
            raise ConfigError(f"site_name in mkdocs.yml {problem}")
        root = FsPath(os.path.abspath(root))
        cases_dir = FsPath(os.path.normpath(root / plugin.cases_dir))
        vocabulary = FsPath(os.path.normpath(root / plugin.vocabulary))
        network_dir = FsPath(os.path.normpath(root / plugin.network_dir))
        for path, what in ((cases_dir, "cases_dir"), (vocabulary, "vocabulary"), (network_dir, "network_dir")):
            if path.is_symlink():
                raise ConfigError(f"{what}: {path} is a symbolic link; links are never followed (use the real path)")
        if plugin.peers and (network_dir == root or root not in network_dir.parents):
            # `candour federate` writes there: never outside the casebook, never over it.
            raise ConfigError(f"network_dir: {plugin.network_dir!r} must be a folder inside the casebook, like "
                              f"'{DEFAULT_NETWORK_DIR}'")
        return cls(root, cases_dir, vocabulary, Options(plugin.min_words, allow_waivers=plugin.waivers), plugin,
                   site_url or "")

    def load_vocabulary(self) -> Vocabulary:
        """The casebook's vocabulary; raises `VocabularyError` with every problem in it."""
        return load_vocabulary(self.vocabulary, display_name(self.vocabulary, self.root))


def _check_options(options: dict[str, Any]) -> PluginOptions:
    try:
        return PluginOptions.model_validate(options)
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "candour"
            loc = error["loc"]
            shown = f"the option '{name}'"
            if len(loc) > 2 and loc[0] == "peers" and isinstance(loc[1], int):  # peers.0.url -> peer 1's 'url'
                shown = f"peer {loc[1] + 1}'s '{'.'.join(str(part) for part in loc[2:])}'"
            if error["type"] == "extra_forbidden":
                model, what = (PeerOption, "a peer's") if loc[0] == "peers" else (PluginOptions, "an")
                key = str(error["loc"][-1])
                hint = did_you_mean(key, list(model.model_fields))
                messages.append(f"{shown if loc[0] == 'peers' else repr(name)} is not {what} option of the candour "
                                f"plugin ({hint or 'allowed: ' + ', '.join(model.model_fields)})")
            elif error["type"] == "missing":
                messages.append(f"{shown} is missing: each peer needs a name and a url")
            elif error["type"] == "model_type" and loc[0] == "peers":
                messages.append(f"peer {int(error['loc'][1]) + 1} under 'peers' is not a name and a url: write each "
                                "peer as '- name: ...' with 'url: ...' on the next line, indented like 'name'")
            elif name == "private_contact" and error["type"] == "string_pattern_mismatch":
                messages.append(f"the option 'private_contact' must be an email address (cases@network.example) or "
                                f"an https:// address, not {error['input']!r}")
            else:
                field = PluginOptions.model_fields.get(name)
                what = f" ({field.description[0].lower()}{field.description[1:].rstrip('.')})" \
                    if field and field.description else ""
                if error["type"] == "value_error":  # our own validators' messages: already in plain words
                    messages.append(f"{shown}: {error['ctx']['error']}")
                    continue
                messages.append(f"{shown}{what}: {error['msg'].lower()}, not {error['input']!r}")
        raise ConfigError("in mkdocs.yml, under the candour plugin: " + "; ".join(messages)) from None


def site_name_problem(name: str) -> str | None:
    """Why a site's name cannot be used, or None: one line of plain text, nothing that ends an attribute.

    The theme writes the name into HTML attributes unescaped (its partials/nav.html), and a pull
    request can change it.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 80 or "\n" in name:
        return "must be one line of 1 to 80 characters"
    if any(ch in name for ch in '"<>`'):
        return "cannot contain \" < > or `: the theme writes it into the page's HTML"
    issue = plain_text_issue(name)
    return f"{issue[0]} ({issue[1]})" if issue else None


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading with MkDocs' tags: `!ENV` as MkDocs reads it; `!relative` and Python names, which
    no option of Candour's takes, as None."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!ENV NAME` or `!ENV [NAME, OTHER, default]`: the first variable set, else the default (or None)."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode) and node.value:
        *names, default = loader.construct_sequence(node)
        if not names:
            names, default = [default], None
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV needs a variable's name, or a list of names "
                                                "and a default", node.start_mark)
    for name in names:
        if isinstance(name, str) and name in os.environ:
            value = os.environ[name]
            return yaml.load(value, Loader=yaml.SafeLoader) if value else value  # as MkDocs: '8' is 8
    return default


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)
#: How deep INHERIT may chain before it is taken for a loop.
MAX_INHERIT = 10


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
    config = read_config(config_file)
    options: dict[str, Any] = {}
    plugins = config.get("plugins") if isinstance(config, dict) else None
    # mkdocs.yml lists plugins either as a list (of names, or of one-key mappings) or as one mapping.
    entries = [plugins] if isinstance(plugins, dict) else plugins if isinstance(plugins, list) else []
    for plugin in entries:
        if isinstance(plugin, dict) and isinstance(plugin.get("candour"), dict):
            options = plugin["candour"]
    name, url = config.get("site_name"), config.get("site_url")
    return Settings.from_options(config_file.parent, options, name if isinstance(name, str) else None,
                                 url if isinstance(url, str) else None)


def read_config(config_file: FsPath, _seen: tuple[FsPath, ...] = ()) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it: `INHERIT: parent.yml` is merged under it (mappings key by key,
    anything else replaced), relative to the file that names it."""
    path = FsPath(os.path.abspath(config_file))
    if path in _seen or len(_seen) > MAX_INHERIT:
        chain = " -> ".join(p.name for p in (*_seen, path))
        raise ConfigError(f"{config_file}: INHERIT goes round in a loop ({chain})")
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_file}: cannot be read: {exc}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{config_file}: is not a mapping of settings")
    parent = config.pop("INHERIT", None)
    if parent is None:
        return config
    if not isinstance(parent, str):
        raise ConfigError(f"{config_file}: INHERIT must name a file, like INHERIT: ../base.yml")
    return _merge(read_config(path.parent / parent, (*_seen, path)), config)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged
