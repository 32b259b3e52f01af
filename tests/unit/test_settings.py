"""Settings: mkdocs.yml read as MkDocs reads it (INHERIT, !ENV), and the plugin's options checked by one schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from candour.core.settings import ConfigError, Settings, load_settings, read_config, site_name_problem


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_options_come_from_the_candour_entry_in_either_plugins_shape(tmp_path: Path) -> None:
    as_list = write(tmp_path / "a", "mkdocs.yml", "site_name: A\nplugins:\n  - search\n  - candour:\n"
                                                 "      cases_dir: stories\n      min_words: 5\n")
    as_mapping = write(tmp_path / "b", "mkdocs.yml", "site_name: B\nplugins:\n  candour:\n    cases_dir: stories\n")
    assert load_settings(as_list).cases_dir == tmp_path / "a" / "stories"
    assert load_settings(as_list).options.min_words == 5
    assert load_settings(as_mapping).cases_dir == tmp_path / "b" / "stories"


def test_inherit_merges_the_parent_under_the_file(tmp_path: Path) -> None:
    write(tmp_path / "base", "base.yml", "site_name: Base\nplugins:\n  candour:\n    cases_dir: shared-cases\n"
                                         "    min_words: 12\n")
    child = write(tmp_path / "site", "mkdocs.yml", "INHERIT: ../base/base.yml\nplugins:\n  candour:\n"
                                                   "    min_words: 6\n")
    settings = load_settings(child)
    assert settings.options.min_words == 6  # the file's own value wins
    assert settings.cases_dir == tmp_path / "site" / "shared-cases"  # the parent's value, relative to the site
    assert read_config(child)["site_name"] == "Base"


def test_an_inherit_loop_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "INHERIT: b.yml\n")
    write(tmp_path, "b.yml", "INHERIT: a.yml\n")
    with pytest.raises(ConfigError, match=r"INHERIT goes round in a loop \(a.yml -> b.yml -> a.yml\)"):
        read_config(tmp_path / "a.yml")


def test_env_reads_the_first_variable_set_or_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path, "mkdocs.yml", "site_name: !ENV [SITE_NAME, 'Default name']\nplugins:\n  - candour:\n"
                                           "      min_words: !ENV [WORDS_A, WORDS_B, 9]\n"
                                           "      search: !ENV SEARCH_ON\n")
    monkeypatch.delenv("WORDS_A", raising=False)
    monkeypatch.setenv("WORDS_B", "7")
    monkeypatch.setenv("SEARCH_ON", "false")
    monkeypatch.delenv("SITE_NAME", raising=False)
    settings = load_settings(config)
    assert settings.options.min_words == 7 and settings.plugin.search is False  # typed, as MkDocs reads them
    assert read_config(config)["site_name"] == "Default name"
    monkeypatch.delenv("WORDS_B")
    assert load_settings(config).options.min_words == 9


def test_an_unset_env_option_without_a_default_has_the_options_default(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    config = write(tmp_path, "mkdocs.yml", "site_name: X\nplugins:\n  - candour:\n"
                                           "      min_words: !ENV NOT_SET_ANYWHERE\n")
    default = Settings.from_options(tmp_path, {}).options.min_words
    assert load_settings(config).options.min_words == default  # as MkDocs gives it


def test_a_misspelt_option_is_named_with_what_was_meant(tmp_path: Path) -> None:
    config = write(tmp_path, "mkdocs.yml", "site_name: X\nplugins:\n  - candour:\n      case_dir: stories\n")
    with pytest.raises(ConfigError, match=r"'case_dir' is not an option of the candour plugin.*cases_dir"):
        load_settings(config)


@pytest.mark.parametrize(("value", "says"), [
    ("private_contact: not an address", "must be an email address"),
    ("min_words: 0", "min_words"),
    ("search: 'yes'", "search"),
])
def test_wrong_option_values_are_refused_in_plain_words(tmp_path: Path, value: str, says: str) -> None:
    config = write(tmp_path, "mkdocs.yml", f"site_name: X\nplugins:\n  - candour:\n      {value}\n")
    with pytest.raises(ConfigError, match=says):
        load_settings(config)


def test_unreadable_or_odd_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(write(tmp_path / "a", "mkdocs.yml", "site_name: [unclosed\n"))
    with pytest.raises(ConfigError, match="not a mapping"):
        load_settings(write(tmp_path / "b", "mkdocs.yml", "- a list\n"))
    with pytest.raises(ConfigError, match="INHERIT must name a file"):
        load_settings(write(tmp_path / "c", "mkdocs.yml", "INHERIT: [a, b]\n"))


def test_a_linked_cases_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cases").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigError, match=r"cases_dir: .* is a symbolic link"):
        Settings.from_options(tmp_path, {})


@pytest.mark.parametrize("name", ['Cases "quoted"', "<b>Cases</b>", "Cases\u202e", "", "x" * 81, "Two\nlines"])
def test_site_names_that_would_break_the_page_are_refused(name: str) -> None:
    assert site_name_problem(name)


@pytest.mark.parametrize("name", ["Housing network casebook", "Rhwydwaith Tai: astudiaethau achos", "Casebook & co."])
def test_ordinary_site_names_pass(name: str) -> None:
    assert site_name_problem(name) is None


def test_the_cli_and_the_plugin_get_the_same_settings(tmp_path: Path) -> None:
    config = write(tmp_path, "mkdocs.yml", "site_name: X\nplugins:\n  - candour:\n      cases_dir: stories\n"
                                           "      waivers: false\n")
    from_file = load_settings(config)
    from_options = Settings.from_options(tmp_path, {"cases_dir": "stories", "waivers": False}, site_name="X")
    assert from_file == from_options


PEER = {"name": "North", "url": "https://north.example/casebook"}


@pytest.mark.parametrize(("peers", "says"), [
    ([PEER, {**PEER, "id": "other"}], "two peers have the same address, 'https://north.example/casebook/'"),
    ([PEER, {"name": "north", "url": "https://b.example/"}], "two peers have the same name, 'north'"),
    ([PEER, {"name": "N.O.R.T.H.", "url": "https://b.example/", "id": "north"}], "two peers have the same id"),
    ([{"name": "   ", "url": "https://a.example/"}], "the name must be one line of plain text (it is blank)"),
    ([{"name": "A <b>", "url": "https://a.example/"}], "contains an HTML tag"),
    (["North"], "peer 1 under 'peers' is not a name and a url"),
    ([{"name": "A", "url": "north.example"}], "'north.example' is not a casebook's public address"),
    ([{"name": "A", "url": "https://a.example/", "ulr": "x"}], "peer 1's 'ulr' is not a peer's option"),
    ([{"name": "A", "url": "https://a.example/", "terms": {"topics": {}}}], "terms can fold regions, services"),
])
def test_mistakes_in_the_peers_are_refused_in_plain_words(tmp_path: Path, peers: list[object], says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_options(tmp_path, {"peers": peers})
    assert says in str(caught.value)


def test_a_peer_address_ends_with_a_slash_and_the_snapshots_stay_inside_the_casebook(tmp_path: Path) -> None:
    settings = Settings.from_options(tmp_path, {"peers": [PEER]})
    assert settings.plugin.peers[0].url == "https://north.example/casebook/"
    assert settings.network_dir == tmp_path / "network"
    for outside in ("../elsewhere", ".", "/tmp"):
        with pytest.raises(ConfigError, match="must be a folder inside the casebook"):
            Settings.from_options(tmp_path, {"peers": [PEER], "network_dir": outside})
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    with pytest.raises(ConfigError, match=r"network_dir: .* is a symbolic link"):
        Settings.from_options(tmp_path, {"peers": [PEER], "network_dir": "linked"})


def test_the_mkdocs_plugin_declares_every_option_of_the_one_schema() -> None:
    """MkDocs passes on only the options the plugin declares; a strict build stops on any other."""
    from candour.adapters.mkdocs.config import CandourConfig
    from candour.core.settings import PluginOptions

    assert {name for name, _ in CandourConfig._schema} == set(PluginOptions.model_fields)
