"""`candour federate` and the snapshots it writes, against peers served on 127.0.0.1 by the test itself.

Every fault a peer can have (down, slow, too big, not JSON, a schema Candour cannot read, redirects away or
round in a loop, hostile entries) must keep the last good snapshot, be reported by peer and problem, and let
nothing hostile through.
"""

from __future__ import annotations

import contextlib
import copy
import http.server
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from candour.adapters.cli import main
from candour.core import network
from candour.core.settings import Settings
from candour.core.vocabulary import Vocabulary
from candour.tools import federate
from tests.conftest import good

INDEX_URL = "https://index.example/casebook/"
Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class Peers:
    """A loopback server whose answers the test sets per path; it keeps the headers of every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        peers = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                peers.requests.append((self.path, dict(self.headers)))
                route = peers.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                    route(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def json(self, path: str, data: Any, etag: str | None = None) -> None:
        body = json.dumps(data).encode()

        def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
            if etag and handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            if etag:
                handler.send_header("ETag", etag)
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def peers() -> Iterator[Peers]:
    server = Peers()
    yield server
    server.close()


def record(base: str, slug: str, **changes: Any) -> dict[str, Any]:
    """A case as a peer's cases.json has it: its front-matter, its slug and its page's address."""
    return {"slug": slug, "url": f"{base}cases/{slug}/", **good(title=f"A shared referral form, {slug}", **changes)}


def open_data(base: str, *cases: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {"schema_version": version, "count": len(cases), "labels": {}, "cases": list(cases)}


def settings_for(root: Path, *peers: dict[str, Any]) -> Settings:
    return Settings.from_options(root, {"peers": list(peers)}, site_url=INDEX_URL)


def run(settings: Settings, vocabulary: Vocabulary, **limits: Any) -> list[federate.Report]:
    return federate.federate(settings, vocabulary, **{"timeout": 2.0, **limits})


def snapshot(settings: Settings, key: str) -> dict[str, Any]:
    data, problem = network.read_snapshot(settings.network_dir / f"{key}.json")
    assert data is not None, problem
    return data


def test_a_peer_is_fetched_checked_and_kept_in_a_snapshot(tmp_path: Path, peers: Peers,
                                                          vocabulary: Vocabulary) -> None:
    base = peers.url + "north/"  # a casebook under a sub-path
    peers.json("/north/cases.json", open_data(base, record(base, "one"), record(base, "two"),
                                              record(base, "placeholder", summary="TODO"),
                                              record(base, "denial", setbacks=[{"what": "None."}]),
                                              record(base, "unfinished", draft=True)))
    settings = settings_for(tmp_path, {"name": "North Network", "url": base})
    [report] = run(settings, vocabulary)
    assert (report.outcome, report.message) == ("updated", "2 cases fetched, 3 left out")
    data = snapshot(settings, "north-network")
    assert [r["slug"] for r in data["cases"]] == ["one", "two"]
    assert data["error"] is None and data["fetched"]
    left = {item["entry"]: item["problems"] for item in data["left_out"]}
    assert set(left) == {"case 3 (placeholder)", "case 4 (denial)", "case 5 (unfinished)"}
    assert left["case 5 (unfinished)"] == ["it is marked as a draft, which is never published"]
    assert any("summary" in problem for problem in left["case 3 (placeholder)"])
    assert any("setbacks[0].what" in problem for problem in left["case 4 (denial)"])
    # No network.json (the peer indexes no one) is not a fault; the story's sources and the writers' names
    # are not kept.
    assert "sources" not in data["cases"][0] and "contributors" not in data["cases"][0]

    loaded = network.load_network(settings, vocabulary)
    assert [c.slug for c in loaded.cases] == ["one", "two"]
    assert loaded.cases[0].home == network.Home("North Network", base)
    assert loaded.peers[0].cases == 2 and loaded.peers[0].error is None


PAYLOADS = ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<img src=x onerror=alert(1)>",
            "&#106;avascript:alert(1)", "a \u202e reversed", "a \x07 bell")
#: Every text field a case has, as a path into its front-matter.
TEXT_FIELDS = (("title",), ("summary",), ("place",), ("described_as",), ("network",), ("organisations", 0),
               ("setbacks", 0, "what"), ("setbacks", 0, "why"), ("setbacks", 0, "impact"),
               ("setbacks", 0, "response"), ("do_differently", 0), ("what_worked", 0), ("updates", 0, "note"))


def _with(data: dict[str, Any], path: tuple[Any, ...], text: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    defaults = {"updates": [{"date": "2024-01", "note": "x"}], "what_worked": ["x"], "described_as": "x",
                "network": "x", "organisations": ["x"]}
    if path[0] in defaults and path[0] not in data:
        data[path[0]] = copy.deepcopy(defaults[path[0]])
    if path[0] == "described_as":
        data.update(attribution="anonymised", organisations=None)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = f"The work went wrong in the second month. {text} It took a year to mend."
    return {k: v for k, v in data.items() if v is not None}


def test_markup_and_hidden_characters_in_every_text_field_are_left_out(tmp_path: Path, peers: Peers,
                                                                       vocabulary: Vocabulary) -> None:
    base = peers.url
    entries = [record(base, "clean")]
    for n, (path, payload) in enumerate((p, t) for p in TEXT_FIELDS for t in PAYLOADS):
        entries.append(_with(record(base, f"hostile-{n}"), path, payload))
    peers.json("/cases.json", open_data(base, *entries))
    settings = settings_for(tmp_path, {"name": "Hostile", "url": base})
    [report] = run(settings, vocabulary)
    assert report.message == f"1 case fetched, {len(entries) - 1} left out"
    text = (settings.network_dir / "hostile.json").read_text()
    for payload in PAYLOADS:
        assert json.dumps(payload)[1:-1] not in text.split('"left_out"')[0] + text.split('"cases"')[1]


def test_a_case_must_be_a_page_of_its_peer(tmp_path: Path, peers: Peers, vocabulary: Vocabulary) -> None:
    base = peers.url + "north/"
    outside = ["https://elsewhere.example/cases/x/", "javascript:alert(1)", f"{peers.url}south/cases/x/",
               f"{base}../south/cases/x/", base.replace("http://", "http://user:pw@") + "cases/x/",
               base.replace("http://", "https://") + "cases/x/", f"{base}cases/x/\" onmouseover=\"alert(1)", 42,
               f"{base}%2e%2e/south/cases/x/", f"{base}cases/%2E%2e/%2e%2E/south/"]
    entries = [record(base, "home")] + [{**record(base, f"away-{n}"), "url": url} for n, url in enumerate(outside)]
    peers.json("/north/cases.json", open_data(base, *entries))
    settings = settings_for(tmp_path, {"name": "North", "url": base})
    [report] = run(settings, vocabulary)
    assert report.message == f"1 case fetched, {len(outside)} left out"
    assert all("is not a page of" in left.problems[0] for left in report.left_out)


def _good_then(peers: Peers, tmp_path: Path, vocabulary: Vocabulary, fault: Route | None,
               path: str = "/cases.json") -> tuple[Settings, list[federate.Report]]:
    """Fetch a good peer, then give it `fault` and fetch again: returns the second run's reports."""
    base = peers.url
    peers.json("/cases.json", open_data(base, record(base, "kept")))
    settings = settings_for(tmp_path, {"name": "Flaky", "url": base})
    [first] = run(settings, vocabulary)
    assert first.outcome == "updated"
    if fault is not None:
        peers.routes[path] = fault
    return settings, run(settings, vocabulary, timeout=1.0, max_bytes=5_000_000)


def _status(code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return answer


def _hang(handler: http.server.BaseHTTPRequestHandler) -> None:
    time.sleep(3)


def _trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.end_headers()
    for _ in range(30):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.1)


def _huge(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.end_headers()  # no Content-Length: the size is only known by reading
    chunk = b"[" * (1 << 20)
    for _ in range(50):
        handler.wfile.write(chunk)


FAULTS: dict[str, tuple[Route, str]] = {
    "HTTP 500": (_status(500, b"oops"), "answered HTTP 500"),
    "a hang past the timeout": (_hang, "did not answer within 1 s"),
    "a trickle past the timeout": (_trickle, "took longer than 1 s to send"),
    "a 50 MB body": (_huge, "is over the limit of 5,000,000 bytes"),
    "a declared 50 MB body": (_status(200, b"", {"Content-Length": str(50 << 20)}), "is 52,428,800 bytes"),
    "invalid JSON": (_status(200, b"{not json"), "is not JSON"),
    "JSON that is not open data": (_status(200, b"[1, 2]"), "is not a casebook's open data"),
    "a schema version it cannot read": (_status(200, json.dumps(open_data("", version=2)).encode()),
                                        "declares schema version 2; this Candour reads version 1"),
    "a schema version that is true": (_status(200, json.dumps(open_data("", version=True)).encode()),  # type: ignore[arg-type]
                                      "declares schema version true;"),
    "a schema version that is text": (_status(200, json.dumps(open_data("", version="1")).encode()),  # type: ignore[arg-type]
                                      'declares schema version "1"; this Candour reads version 1, written as the '
                                      "number 1"),
    "a redirect to another host": (_status(302, headers={"Location": "http://localhost:9/cases.json"}),
                                   "outside the peer's own site"),
    "a redirect loop": (_status(302, headers={"Location": "/cases.json"}), "redirects round in a loop"),
    "compression it did not ask for": (_status(200, b"x", {"Content-Encoding": "gzip"}), "was sent compressed"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_peer_keeps_its_last_good_snapshot(fault: str, tmp_path: Path, peers: Peers,
                                                     vocabulary: Vocabulary) -> None:
    route, said = FAULTS[fault]
    settings, [report] = _good_then(peers, tmp_path, vocabulary, route)
    assert report.outcome == "failed" and said in report.message, report.message
    assert report.message.endswith("keeping the snapshot of " + time.strftime("%Y-%m-%d", time.gmtime())
                                   + " (1 case)")
    data = snapshot(settings, "flaky")
    assert [r["slug"] for r in data["cases"]] == ["kept"]
    assert said in data["error"]["message"] and data["error"]["since"]
    loaded = network.load_network(settings, vocabulary)
    assert [c.slug for c in loaded.cases] == ["kept"]
    assert said in (loaded.peers[0].error or "")
    assert any(line.startswith("network: Flaky: the last fetch failed") for line in loaded.problems())


def test_the_same_fault_again_changes_nothing_and_a_recovery_clears_it(tmp_path: Path, peers: Peers,
                                                                       vocabulary: Vocabulary) -> None:
    settings, _ = _good_then(peers, tmp_path, vocabulary, _status(503))
    path = settings.network_dir / "flaky.json"
    before = path.read_bytes(), path.stat().st_mtime_ns
    [again] = run(settings, vocabulary)
    assert again.outcome == "failed" and not again.changed
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # a daily run opens no pull request
    peers.json("/cases.json", open_data(peers.url, record(peers.url, "kept"), record(peers.url, "new")))
    [mended] = run(settings, vocabulary)
    assert mended.outcome == "updated"
    assert snapshot(settings, "flaky")["error"] is None


def test_an_unchanged_peer_costs_one_conditional_request(tmp_path: Path, peers: Peers, vocabulary: Vocabulary) -> None:
    peers.json("/cases.json", open_data(peers.url, record(peers.url, "one")), etag='"v1"')
    settings = settings_for(tmp_path, {"name": "Steady", "url": peers.url})
    run(settings, vocabulary)
    path = settings.network_dir / "steady.json"
    written = path.stat().st_mtime_ns
    peers.requests.clear()
    [report] = run(settings, vocabulary)
    assert report.outcome == "unchanged" and report.message.endswith("(1 case)")
    asked = dict(peers.requests)
    assert asked["/cases.json"]["If-None-Match"] == '"v1"'
    assert path.stat().st_mtime_ns == written
    # A peer that sends no validators, and the same data: the snapshot is not written again either.
    peers.json("/cases.json", open_data(peers.url, record(peers.url, "one")))
    [report] = run(settings, vocabulary)
    assert report.outcome == "unchanged" and path.stat().st_mtime_ns == written


def _index_of(peers: Peers, prefix: str, name: str, sites: list[dict[str, str]], cases: list[dict[str, Any]],
              peer_list: list[dict[str, str]] | None = None) -> str:
    """Serve an index casebook (no cases of its own) at `prefix`: its network.json federates `cases`."""
    base = peers.url + prefix
    peers.json(f"/{prefix}cases.json", open_data(base))
    peers.json(f"/{prefix}network.json", {"schema_version": 1, "name": name, "url": base, "peers": peer_list or sites,
                                          "sites": sites, "labels": {}, "count": len(cases), "cases": cases})
    return base


def test_an_index_of_indexes_follows_chains_and_leaves_loops_out(tmp_path: Path, peers: Peers,
                                                                 vocabulary: Vocabulary) -> None:
    west = peers.url + "west/"
    far = "https://far.example/"
    chained = [
        {**record(west, "from-west"), "home": {"name": "West", "url": west}, "via": []},
        {**record(INDEX_URL, "ours"), "home": {"name": "Us", "url": INDEX_URL}, "via": []},  # back to us
        {**record(west, "through-us"), "home": {"name": "West", "url": west}, "via": [INDEX_URL]},  # through us
        {**record(far, "unvouched"), "home": {"name": "Far", "url": far}, "via": []},  # not a site it lists
        {**record(west, "deep"), "home": {"name": "West", "url": west}, "via": ["https://a.example/"] * 4},
        {**record(west, "no-home")},
    ]
    regional = _index_of(peers, "regional/", "Regional", [{"name": "West", "url": west},
                                                         {"name": "Us", "url": INDEX_URL}], chained)
    settings = settings_for(tmp_path, {"name": "Regional index", "url": regional})
    [report] = run(settings, vocabulary)
    assert report.message == "1 case fetched, 3 left out; 2 cases came back to this casebook (a loop) and were left out"
    problems = {left.entry: left.problems[0] for left in report.left_out}
    assert "not one of Regional index's peers" in problems["case 4 (unvouched)"]
    assert "at most 4 are followed" in problems["case 5 (deep)"]
    assert "does not say which casebook" in problems["case 6 (no-home)"]

    loaded = network.load_network(settings, vocabulary)
    [case] = loaded.cases
    assert (case.home, case.via) == (network.Home("West", west), (regional,))
    published = json.loads(network.network_json("National", INDEX_URL, loaded, vocabulary))
    assert published["sites"] == [{"name": "West", "url": west}]
    assert [(c["slug"], c["home"]["url"], c["via"]) for c in published["cases"]] == [("from-west", west, [regional])]


def test_the_same_case_through_two_peers_is_shown_once_from_its_home(tmp_path: Path, peers: Peers,
                                                                     vocabulary: Vocabulary) -> None:
    west = peers.url + "west/"
    peers.json("/west/cases.json", open_data(west, record(west, "shared")))
    regional = _index_of(peers, "regional/", "Regional", [{"name": "West", "url": west}],
                         [{**record(west, "shared"), "home": {"name": "West", "url": west}, "via": []}])
    settings = settings_for(tmp_path, {"name": "Regional", "url": regional}, {"name": "West", "url": west})
    run(settings, vocabulary)
    loaded = network.load_network(settings, vocabulary)
    [case] = loaded.cases
    assert (case.peer, case.via) == ("west", ())
    assert [(p.key, p.cases) for p in loaded.peers] == [("regional", 0), ("west", 1)]


def test_a_peers_own_terms_keep_its_labels_and_a_mapping_folds_them(tmp_path: Path, peers: Peers,
                                                                    vocabulary: Vocabulary) -> None:
    base = peers.url
    data = open_data(base, record(base, "own-terms", themes=["tenancy-sustainment", "their-money"]),
                     record(base, "bad-term", themes=["Not A Term"]))
    data["labels"] = {"themes": {"tenancy-sustainment": "Tenancy sustainment", "their-money": "Money",
                                 "bad-label": "<b>bold</b>"}}
    peers.json("/cases.json", data)
    settings = settings_for(tmp_path, {"name": "Other words", "url": base,
                                       "terms": {"themes": {"their-money": "funding"}}})
    [report] = run(settings, vocabulary)
    assert report.message == "1 case fetched, 2 left out", report.left_out
    assert "bad-label" in report.left_out[0].problems[0] and "HTML tag" in report.left_out[0].problems[0]
    loaded = network.load_network(settings, vocabulary)
    [case] = loaded.cases
    assert case.case.themes == ["tenancy-sustainment", "funding"]
    shown = loaded.vocabulary(vocabulary)
    assert shown.label("themes", "tenancy-sustainment") == "Tenancy sustainment"
    assert shown.label("themes", "funding") == vocabulary.label("themes", "funding")
    assert ("themes", "their-money") not in shown


def test_a_hand_edited_snapshot_is_checked_again(tmp_path: Path, peers: Peers, vocabulary: Vocabulary) -> None:
    """A pull request can change a snapshot: the build checks every entry again, as federate did."""
    settings, _ = _good_then(peers, tmp_path, vocabulary, None)
    path = settings.network_dir / "flaky.json"
    data = json.loads(path.read_text())
    good_one = data["cases"][0]
    data["cases"] += [{**good_one, "slug": "xss", "title": "<script>alert(1)</script> in a title here"},
                      {**good_one, "slug": "away", "url": "https://evil.example/x"},
                      {**good_one, "slug": "extra", "onclick": "alert(1)"}]
    data["error"] = {"message": "<b>hi</b>", "since": "not a date"}
    path.write_text(json.dumps(data))
    loaded = network.load_network(settings, vocabulary)
    assert [c.slug for c in loaded.cases] == ["kept"]
    assert [left.entry for left in loaded.peers[0].left_out] == ["case 2 (xss)", "case 3 (away)", "case 4 (extra)"]
    assert loaded.peers[0].error_since is None  # shown escaped on the status page, as all snapshot text is


@pytest.mark.parametrize("content", [b"{", b"[]", b'{"candour_snapshot": 99}', b"\xff\xfe", b'{"candour_snapshot": 1, '
                                     b'"cases": "x", "chained": [[]], "peers": 3, "labels": [], "fetched": 5}'])
def test_a_broken_snapshot_never_stops_the_build(content: bytes, tmp_path: Path, vocabulary: Vocabulary) -> None:
    settings = settings_for(tmp_path, {"name": "Broken", "url": "https://broken.example/"},
                            {"name": "Linked", "url": "https://linked.example/"},
                            {"name": "Missing", "url": "https://missing.example/"})
    settings.network_dir.mkdir()
    (settings.network_dir / "broken.json").write_bytes(content)
    (tmp_path / "elsewhere.json").write_bytes(b'{"candour_snapshot": 1, "cases": []}')
    os.symlink(tmp_path / "elsewhere.json", settings.network_dir / "linked.json")
    (settings.network_dir / "unlisted.json").write_text("{}")
    loaded = network.load_network(settings, vocabulary)
    assert loaded.cases == []
    assert loaded.strays == ["network/unlisted.json"]
    assert "network: network/unlisted.json is not the snapshot of a peer listed in mkdocs.yml" in loaded.problems()[0]
    notes = [peer.note or "" for peer in loaded.peers]
    assert ("symbolic link" in notes[1], notes[2]) == (True, "not fetched yet: run candour federate")
    assert content.startswith(b'{"candour_snapshot": 1') or "run candour federate" in notes[0]


def test_a_peer_at_the_casebooks_own_address_is_refused(tmp_path: Path, vocabulary: Vocabulary) -> None:
    settings = settings_for(tmp_path, {"name": "Myself", "url": INDEX_URL})
    [report] = run(settings, vocabulary)
    assert report.outcome == "failed" and "a casebook cannot be its own peer" in report.message


def test_the_command_reports_each_peer_and_exits_by_its_rules(tmp_path: Path, peers: Peers,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "vocabulary.yml").write_text("regions: {north: North}\nservices: {housing: Housing}\n"
                                                       "themes: {funding: Funding}\npartners: {police: Police}\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Index\nsite_url: https://index.example/\nplugins:\n  - candour\n")
    assert main(["--config", str(config), "federate"]) == 0  # the scheduled workflow runs in every casebook
    assert "No peers are listed" in capsys.readouterr().out
    assert not (tmp_path / "network").exists()
    peers.json("/cases.json", open_data(peers.url, record(peers.url, "one", region="north", services=["housing"],
                                                            themes=["funding"])))
    config.write_text(config.read_text() + f"      peers:\n        - name: Up\n          url: {peers.url}\n"
                      "        - name: Down\n          url: http://127.0.0.1:9/\n")
    config.write_text(config.read_text().replace("  - candour\n", "  - candour:\n"))
    assert main(["--config", str(config), "federate", "--timeout", "2"]) == 0
    out = capsys.readouterr().out
    assert "up: 1 case fetched, 0 left out" in out
    assert "down: failed: http://127.0.0.1:9/cases.json could not be fetched" in out
    assert out.rstrip().endswith(f"2 peers: 1 updated, 0 unchanged, 1 failed; 2 snapshots written in "
                                 f"{tmp_path / 'network'}"), out
    assert main(["--config", str(config), "federate", "--strict"]) == 1


def test_a_fault_of_candours_own_with_one_peer_does_not_stop_the_others(
        tmp_path: Path, peers: Peers, vocabulary: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    for prefix in ("one/", "two/"):
        peers.json(f"/{prefix}cases.json", open_data(peers.url + prefix, record(peers.url + prefix, "case")))
    settings = settings_for(tmp_path, {"name": "One", "url": peers.url + "one/"},
                            {"name": "Two", "url": peers.url + "two/"})
    real = network.check_entries

    def broken(peer: Any, *args: Any, **kwargs: Any) -> Any:
        if peer.key == "one":
            raise TypeError("a bug")
        return real(peer, *args, **kwargs)

    monkeypatch.setattr(network, "check_entries", broken)
    one, two = run(settings, vocabulary)
    assert (one.outcome, two.outcome) == ("failed", "updated")
    assert "Candour could not read what it serves (TypeError: a bug)" in one.message
    assert not (settings.network_dir / "one.json").exists()


def test_a_peers_words_reach_no_terminal_as_control_characters(tmp_path: Path, peers: Peers,
                                                               vocabulary: Vocabulary) -> None:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "http://evil.example/\x1b[2J\x9b<script>")  # HTTP headers are Latin-1
        handler.end_headers()

    settings, [report] = _good_then(peers, tmp_path, vocabulary, answer)
    assert "\x1b" not in report.message and "\x9b" not in report.message
    assert "http://evil.example/\ufffd[2J\ufffd<script>" in report.message
    assert "\x1b" not in snapshot(settings, "flaky")["error"]["message"]


def test_failing_since_the_first_failure_whatever_the_faults_in_between(tmp_path: Path, peers: Peers,
                                                                        vocabulary: Vocabulary) -> None:
    settings, _ = _good_then(peers, tmp_path, vocabulary, _status(500))
    since = snapshot(settings, "flaky")["error"]["since"]
    peers.routes["/cases.json"] = _status(503)
    run(settings, vocabulary, now=lambda: "2030-01-01T00:00:00Z")
    data = snapshot(settings, "flaky")
    assert "HTTP 503" in data["error"]["message"] and data["error"]["since"] == since


def test_an_index_never_speaks_for_a_casebook_this_one_fetches_itself(tmp_path: Path, peers: Peers,
                                                                      vocabulary: Vocabulary) -> None:
    """A hostile index claims cases of a peer we fetch directly, of a site inside it, and names another site
    after a peer and after this casebook: the claims are left out, and no name stands for two sites."""
    alpha = peers.url + "alpha/"
    peers.json("/alpha/cases.json", open_data(alpha, record(alpha, "real")))
    elsewhere, other = "https://evil.example/", "https://evil.example/other/"
    spoof = _index_of(peers, "spoof/", "Spoof", [{"name": "Alpha", "url": alpha},
                                                 {"name": "Alpha", "url": alpha + "inner/"},
                                                 {"name": "Index", "url": elsewhere},
                                                 {"name": "alpha", "url": other}], [
        {**record(alpha, "fabricated"), "home": {"name": "Alpha", "url": alpha}, "via": []},
        {**record(alpha + "inner/", "nested"), "home": {"name": "Alpha", "url": alpha + "inner/"}, "via": []},
        {**record(elsewhere, "posing"), "home": {"name": "Index", "url": elsewhere}, "via": []},
        {**record(other, "lookalike"), "home": {"name": "alpha", "url": other}, "via": []}])
    settings = settings_for(tmp_path, {"name": "Alpha", "url": alpha}, {"name": "Spoof", "url": spoof})
    _, spoofed = run(settings, vocabulary)
    assert spoofed.message == "2 cases fetched, 2 left out"
    assert all("which this casebook fetches itself (Alpha)" in left.problems[0] for left in spoofed.left_out)
    loaded = network.load_network(settings, vocabulary, site_name="Index")
    shown = {case.slug: case.home.name for case in loaded.cases}
    assert shown == {"real": "Alpha", "posing": "Index (evil.example)", "lookalike": "alpha (evil.example/other)"}
    assert loaded.peers[1].through == {"Index (evil.example)": 1, "alpha (evil.example/other)": 1}
    # The status page lists what federate left out, from the snapshot, with the count.
    assert [left.entry for left in loaded.peers[1].left_out] == ["case 1 (fabricated)", "case 2 (nested)"]
    assert loaded.peers[1].left_out_count == 2


def test_a_snapshot_lists_the_first_entries_left_out_and_counts_the_rest(tmp_path: Path, peers: Peers,
                                                                         vocabulary: Vocabulary) -> None:
    peers.json("/cases.json", open_data(peers.url, *([{}] * (network.MAX_LISTED + 20))))
    settings = settings_for(tmp_path, {"name": "Junk", "url": peers.url})
    run(settings, vocabulary)
    data = snapshot(settings, "junk")
    assert (len(data["left_out"]), data["left_out_count"]) == (network.MAX_LISTED, network.MAX_LISTED + 20)
    assert data["left_out"][0]["problems"] == ["it has no address ('url')"]
    status = network.load_network(settings, vocabulary).peers[0]
    assert (len(status.left_out), status.left_out_count) == (network.MAX_LISTED, network.MAX_LISTED + 20)
    data["cases"] = {"not": "a list"}
    (settings.network_dir / "junk.json").write_text(json.dumps(data))
    assert network.load_network(settings, vocabulary).peers[0].note == \
        "its snapshot's 'cases' is not a list, so none of those cases is shown"


def test_a_fold_into_a_term_this_casebook_lacks_is_a_mistake_in_mkdocs_yml(
        tmp_path: Path, vocabulary: Vocabulary, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_for(tmp_path, {"name": "North", "url": "https://north.example/",
                                       "terms": {"themes": {"money": "fundng", "staff": "workforce"}}})
    assert network.mapping_problems(settings, vocabulary) == [
        "in mkdocs.yml, the peer 'North' folds 'money' into 'fundng', which is not one of this casebook's themes "
        "(did you mean 'funding'?)"]
