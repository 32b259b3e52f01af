"""Other networks' cases: what an index knows of its peers, from the snapshots `candour federate` wrote.

A peer's data is untrusted, exactly like a pull request from a stranger, and so is a snapshot (a pull
request can change it). Every entry is checked by the same model and rules as a case file of our own;
its address must be inside the site it comes from; what fails is left out and reported, by peer and
entry. Nothing here raises for bad peer data: a peer can never stop a build.

A snapshot holds a peer's own cases (from its `cases.json`) and, when the peer is itself an index, the
cases it federates (from its `network.json`), each with the site it is from. An index vouches for its
peers: a case that comes through it must be inside a site its list names. A case that comes back to
this casebook, or through more than `MAX_CHAIN` indexes, is a loop and is left out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from . import plain_text, rules
from .loader import Source
from .model import SCHEMA_VERSION, Case
from .names import SLUG_RE, did_you_mean
from .problems import Problem, format_path
from .settings import PeerOption, Settings
from .taxonomy import BY_KIND, KINDS, TAXONOMIES
from .validation import check_source
from .vocabulary import MAX_LABEL, TERM_RE, Vocabulary, default_label

#: The format of a snapshot file.
SNAPSHOT_VERSION = 1
#: Most indexes a case may come through before it is taken for a loop.
MAX_CHAIN = 4
#: Largest snapshot read (a snapshot of 10,000 cases is about 30 MB).
MAX_SNAPSHOT_BYTES = 200_000_000
#: Most entries taken from one peer.
MAX_ENTRIES = 50_000
#: Entries left out that a snapshot lists one by one (the rest are counted): the status page, and the review of
#: the pull request, need the first of them, not a hundred thousand.
MAX_LISTED = 500
#: Problems given for one entry left out.
MAX_PROBLEMS = 10
#: Fields a peer's entry carries that are not the case's own: where it is, and where it came from.
PLACE_FIELDS = ("slug", "url", "home", "via", "fetched")
#: Fields of a peer's case an index never keeps: the story stays on the peer's site, with its sources and
#: the names of the people who wrote it.
DROPPED_FIELDS = ("sources", "contributors")
#: The open data file every casebook publishes for indexes: its name, its peers and the cases it federates.
NETWORK_FILE = "network.json"


@dataclass(frozen=True)
class Home:
    """The casebook a case lives on."""

    name: str
    url: str  # its public address, ending in '/'


@dataclass(frozen=True)
class PeerCase:
    """A case of another network's, as an index shows it: a card that links to its home."""

    case: Case
    url: str  # its page on its home site
    slug: str
    home: Home
    peer: str  # the key of the peer it came through
    via: tuple[str, ...]  # the addresses of the indexes it came through, nearest first; () when from its home
    fetched: str  # when its peer was last fetched, YYYY-MM-DD
    record: dict[str, Any]  # the entry as kept in the snapshot (unmapped), for this index's own network.json


@dataclass(frozen=True)
class LeftOut:
    entry: str  # 'case 3 (housing-first-pilot)'
    problems: tuple[str, ...]


@dataclass
class PeerStatus:
    """What the network status page says of one peer."""

    key: str
    name: str
    url: str
    cases: int = 0
    left_out: list[LeftOut] = field(default_factory=list)
    fetched: str | None = None  # the last good fetch, as an ISO timestamp
    error: str | None = None  # the last fetch's fault, when it failed
    error_since: str | None = None
    note: str | None = None  # e.g. 'not fetched yet'
    peers: list[Home] = field(default_factory=list)  # its own peers, when it is an index
    sites: list[Home] = field(default_factory=list)  # the sites of the cases it federates, which it vouches for
    loops: int = 0  # cases that came back to this casebook through it
    left_out_count: int = 0  # every entry left out, listed or not
    through: dict[str, int] = field(default_factory=dict)  # for an index: how many of its cases are from each site


@dataclass
class Network:
    peers: list[PeerStatus] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)  # files in the snapshots' folder that are no listed peer's
    cases: list[PeerCase] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # peers' labels of terms we do not have

    def vocabulary(self, own: Vocabulary) -> Vocabulary:
        """This casebook's vocabulary, with the terms only peers use, under their own labels."""
        terms = {kind: dict(own.terms.get(kind, {})) for kind in KINDS}
        for kind, labels in self.labels.items():
            for term, label in labels.items():
                terms.setdefault(kind, {}).setdefault(term, label)
        return Vocabulary(terms)

    def problems(self) -> list[str]:
        """One line for each peer's fault and each entry left out, for a build's log."""
        lines = [f"network: {name} is not the snapshot of a peer listed in mkdocs.yml, and is not read (remove it, "
                 "or list its peer)" for name in self.strays]
        for peer in self.peers:
            if peer.note:
                lines.append(f"network: {peer.name}: {peer.note}")
            if peer.error:
                kept = f"showing the snapshot of {peer.fetched[:10]}" if peer.fetched else \
                    "showing its last snapshot" if peer.cases else "none of its cases is shown yet"
                lines.append(f"network: {peer.name}: the last fetch failed ({peer.error}); {kept}")
            for left in peer.left_out:
                lines.append(f"network: {peer.name}: {left.entry} left out: {'; '.join(left.problems)}")
            if peer.left_out_count > len(peer.left_out):
                lines.append(f"network: {peer.name}: {peer.left_out_count - len(peer.left_out):,} more left out "
                             "(a snapshot lists the first ones)")
        return lines


def mapping_problems(settings: Settings, vocabulary: Vocabulary) -> list[str]:
    """A peer's `terms` that fold a term into one this casebook does not have: a mistake in mkdocs.yml, said
    like the others (the term, what was meant), before anything is fetched or built."""
    problems = []
    for peer in settings.plugin.peers:
        for kind, folds in peer.terms.items():
            for theirs, ours in folds.items():
                if (kind, ours) not in vocabulary:
                    hint = did_you_mean(ours, vocabulary.allowed(kind))
                    problems.append(f"in mkdocs.yml, the peer {peer.name!r} folds {theirs!r} into {ours!r}, which is "
                                    f"not one of this casebook's {kind} ({hint or 'see the vocabulary file'})")
    return problems


def inside(url: str, base: str) -> bool:
    """Whether `url` is an address on the site at `base` (same scheme, host and port, below its path)."""
    try:
        target, home = urlsplit(url), urlsplit(base)
        same = (target.scheme, target.hostname, target.port) == (home.scheme, home.hostname, home.port)
    except ValueError:
        return False
    # A browser reads '..' and '%2e%2e' alike: a path that climbs could leave the site's folder.
    climbs = any(unquote(segment) in (".", "..") for segment in target.path.split("/"))
    return (same and target.username is None and target.password is None and bool(target.hostname)
            and target.path.startswith(home.path) and not climbs
            and not any(ch.isspace() or ch in '\\"\'<>`' for ch in url) and len(url) <= 500)


def same_address(one: str, other: str) -> bool:
    return one.rstrip("/").lower() == other.rstrip("/").lower()


def _labels(raw: Any, problems: list[str]) -> dict[str, dict[str, str]]:
    """A peer's labels of its terms, each checked: a term is a slug, a label one line of plain text."""
    labels: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        return labels
    for kind in KINDS:
        given = raw.get(kind)
        if not isinstance(given, dict):
            continue
        for term, label in list(given.items())[:1000]:
            if not isinstance(term, str) or not TERM_RE.match(term) or not isinstance(label, str):
                continue
            issue = plain_text.plain_text_issue(label)
            if issue or not label.strip() or len(label) > MAX_LABEL or "\n" in label:
                problems.append(f"the label of the {kind[:-1]} {term!r} was not used: "
                                f"{issue[0] if issue else 'it must be one line of 1 to 80 characters'}")
                continue
            labels.setdefault(kind, {})[term] = label.strip()
    return labels


def _mapped(data: dict[str, Any], mapping: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """A case's fields with the peer's terms folded into ours, as the index's configuration says: in the
    taxonomy's field, and in its parts' own (a setback's or a lesson's themes)."""
    if not mapping:
        return data
    out = dict(data)
    for kind, folds in mapping.items():
        taxonomy = BY_KIND[kind]
        value = out.get(taxonomy.field)
        if isinstance(value, str):
            out[taxonomy.field] = folds.get(value, value)
        elif isinstance(value, list):
            out[taxonomy.field] = _fold_list(value, folds)
        for part in taxonomy.parts:
            items = out.get(part)
            if isinstance(items, list):
                out[part] = [{**item, taxonomy.field: _fold_list(item[taxonomy.field], folds)}
                             if isinstance(item, dict) and isinstance(item.get(taxonomy.field), list) else item
                             for item in items]
    return out


def _fold_list(values: list[Any], folds: Mapping[str, str]) -> list[Any]:
    folded: list[Any] = []
    for value in values:
        value = folds.get(value, value) if isinstance(value, str) else value
        if value not in folded:
            folded.append(value)
    return folded


def terms_used(data: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """The terms an entry's raw fields name, by the taxonomies' registry (`Taxonomy.terms_of` reads a checked
    case; this reads untrusted data, skipping anything of the wrong type)."""
    for taxonomy in TAXONOMIES:
        value = data.get(taxonomy.field)
        lists = [[value] if isinstance(value, str) else value if isinstance(value, list) else []]
        for part in taxonomy.parts:
            items = data.get(part)
            for item in items if isinstance(items, list) else []:
                own = item.get(taxonomy.field) if isinstance(item, dict) else None
                lists.append(own if isinstance(own, list) else [])
        for terms in lists:
            for term in terms:
                if isinstance(term, str):
                    yield taxonomy.kind, term


@dataclass
class Checked:
    """A peer's entries, checked: the cases kept, and why the rest were left out."""

    cases: list[PeerCase] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    loops: int = 0
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # labels of terms the index does not have


def check_entries(peer: PeerOption, entries: Sequence[Any], *, vouched: Sequence[Home], labels: Any,
                  options: rules.Options, own_url: str, fetched: str, index_vocabulary: Vocabulary,
                  chained: bool = False, direct: Sequence[Home] = ()) -> Checked:
    """Check a peer's entries as untrusted case files. `entries` are its `cases.json` cases, or (with
    `chained`) the cases its `network.json` says it federates, each with the site it is from; `vouched` are
    the sites the peer lists as its own peers; `direct` the casebooks this index fetches itself, for which no
    other index may speak."""
    checked = Checked()
    label_problems: list[str] = []
    peer_labels = _labels(labels, label_problems)
    if label_problems and not chained:  # the labels are the peer's, whichever of its files gave them: once
        checked.left_out.append(LeftOut("its labels", tuple(label_problems[:20])))
    if len(entries) > MAX_ENTRIES:
        checked.left_out.append(LeftOut(f"entries after the first {MAX_ENTRIES:,}",
                                        (f"it lists {len(entries):,} cases; an index takes at most {MAX_ENTRIES:,} "
                                         "from one peer",)))
    own_home = Home(peer.name, peer.url)
    for number, entry in enumerate(entries[:MAX_ENTRIES], start=1):
        name = f"case {number}"
        if not isinstance(entry, dict):
            checked.left_out.append(LeftOut(name, ("it is not a set of fields",)))
            continue
        slug = entry.get("slug")
        if isinstance(slug, str) and SLUG_RE.match(slug) and len(slug) <= 100:
            name = f"case {number} ({slug})"
        else:
            slug = None
        home, via, problem = _home_of(entry, own_home, vouched, own_url, chained, direct)
        if home is None:
            if problem == "loop":
                checked.loops += 1
            else:
                checked.left_out.append(LeftOut(name, (problem,)))
            continue
        url = entry.get("url")
        if url is None:
            checked.left_out.append(LeftOut(name, ("it has no address ('url')",)))
            continue
        if not isinstance(url, str) or not inside(url, home.url):
            checked.left_out.append(LeftOut(name, (f"its address {_shown(url)} is not a page of {home.url}",)))
            continue
        data = {key: value for key, value in entry.items()
                if key not in PLACE_FIELDS and key not in DROPPED_FIELDS and value is not None}
        folded = _mapped(data, peer.terms)
        vocabulary = _vocabulary_for(folded, peer_labels, index_vocabulary)
        case, problems = check_source(Source(f"{peer.key}: {name}", folded), vocabulary, options)
        errors = [p for p in problems if p.severity == "error"]
        if case is None or errors:
            more = (f"and {len(errors) - MAX_PROBLEMS} more",) if len(errors) > MAX_PROBLEMS else ()
            checked.left_out.append(LeftOut(name, (*(_problem_text(p) for p in errors[:MAX_PROBLEMS]), *more)))
            continue
        if case.draft:
            checked.left_out.append(LeftOut(name, ("it is marked as a draft, which is never published",)))
            continue
        for kind, term in terms_used(folded):
            if (kind, term) not in index_vocabulary:
                checked.labels.setdefault(kind, {}).setdefault(term, vocabulary.label(kind, term))
        # Kept as checked: where it is from as this index knows it, never as the entry claims it.
        slug = slug or _slug_of(url)
        record = {**{key: value for key, value in entry.items() if key not in (*DROPPED_FIELDS, *PLACE_FIELDS)},
                  "slug": slug, "url": url}
        if chained:
            record.update(home={"name": home.name, "url": home.url}, via=list(via[1:]))
        checked.cases.append(PeerCase(case, url, slug, home, peer.key, via, fetched[:10], record))
    return checked


def _shown(value: Any) -> str:
    return repr(value[:120]) if isinstance(value, str) else "(none)"


def _problem_text(problem: Problem) -> str:
    where = format_path(problem.path)
    return f"{problem.code} {where + ': ' if where else ''}{problem.message}"


def _slug_of(url: str) -> str:
    parts = [part for part in urlsplit(url).path.split("/") if part]
    return parts[-1] if parts else "case"


def _overlap(one: str, other: str) -> bool:
    """Whether two casebooks' addresses are the same site, or one is inside the other."""
    return same_address(one, other) or inside(one, other) or inside(other, one)


def _home_of(entry: dict[str, Any], peer: Home, vouched: Sequence[Home], own_url: str,
             chained: bool, direct: Sequence[Home] = ()) -> tuple[Home | None, tuple[str, ...], str]:
    """The site a case is from and the indexes it came through, or (None, (), why it is left out)."""
    if not chained:
        if own_url and same_address(peer.url, own_url):
            return None, (), "loop"
        return peer, (), ""
    raw_home, raw_via = entry.get("home"), entry.get("via", [])
    if not isinstance(raw_home, dict) or not isinstance(raw_home.get("url"), str):
        return None, (), "it does not say which casebook it is from ('home')"
    if not isinstance(raw_via, list) or not all(isinstance(v, str) and len(v) <= 300 for v in raw_via):
        return None, (), "its 'via' is not a list of addresses"
    via = (peer.url, *raw_via)
    home_url = raw_home["url"]
    if own_url and (same_address(home_url, own_url) or any(same_address(v, own_url) for v in via[1:])):
        return None, (), "loop"
    if len(via) > MAX_CHAIN:
        return None, (), f"it came through {len(via)} indexes; at most {MAX_CHAIN} are followed (a loop?)"
    known = next((home for home in vouched if same_address(home.url, home_url)), None)
    if known is None:
        return None, (), f"it says it is from {_shown(home_url)}, which is not one of {peer.name}'s peers"
    # An index speaks for the casebooks it lists, never for one this index fetches itself (or for this one):
    # what that casebook publishes is what is shown of it.
    fetched_here = next((home for home in direct if _overlap(home.url, known.url)), None)
    if fetched_here is not None:
        return None, (), (f"it says it is from {known.url}, which this casebook fetches itself ({fetched_here.name}): "
                          "only what that casebook publishes is shown of it")
    if own_url and _overlap(known.url, own_url):
        return None, (), "loop"
    return known, via, ""


def _vocabulary_for(data: dict[str, Any], peer_labels: dict[str, dict[str, str]], index: Vocabulary) -> Vocabulary:
    """The terms an entry may use: ours, and any of its own written as terms are (the peer's vocabulary
    may differ from ours), under the peer's label when it gave one."""
    terms: dict[str, dict[str, str]] = {kind: dict(index.terms.get(kind, {})) for kind in KINDS}
    for kind, term in terms_used(data):
        if TERM_RE.match(term) and len(term) <= 80 and term not in terms[kind]:
            terms[kind][term] = peer_labels.get(kind, {}).get(term, default_label(term))
    return Vocabulary(terms)


def vouched_peers(raw: Any) -> list[Home]:
    """The casebooks a peer lists in its network.json, each checked as a peer in our own mkdocs.yml is (a name of
    plain text, a public address); any other is passed over."""
    homes: list[Home] = []
    for item in raw[:1000] if isinstance(raw, list) else []:
        if isinstance(item, dict):
            try:
                listed = PeerOption.model_validate({"name": item.get("name"), "url": item.get("url")})
            except ValidationError:
                continue
            homes.append(Home(listed.name, listed.url))
    return homes


# Snapshots ---------------------------------------------------------------------------------------------


def snapshot_path(settings: Settings, peer: PeerOption) -> FsPath:
    return settings.network_dir / f"{peer.key}.json"


def read_snapshot(path: FsPath) -> tuple[dict[str, Any] | None, str | None]:
    """A snapshot file as data, or (None, why it cannot be read). Missing is (None, None)."""
    try:
        if path.is_symlink():
            return None, f"{path.name} is a symbolic link; links are never followed"
        if not path.exists():
            return None, None
        if path.stat().st_size > MAX_SNAPSHOT_BYTES:
            return None, f"{path.name} is over {MAX_SNAPSHOT_BYTES:,} bytes"
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        return None, f"{path.name} cannot be read ({type(exc).__name__}: {str(exc)[:200]}); run candour federate"
    if not isinstance(data, dict) or data.get("candour_snapshot") != SNAPSHOT_VERSION:
        return None, f"{path.name} is not a snapshot this Candour reads (run candour federate to write it again)"
    return data, None


def write_snapshot(path: FsPath, snapshot: dict[str, Any]) -> None:
    """Write a snapshot so that a change to one case is a change to one line, atomically."""
    head = {key: value for key, value in snapshot.items() if key not in ("cases", "chained")}
    lines = [json.dumps(head, ensure_ascii=False, indent=1, sort_keys=True)[:-2]]
    for key in ("cases", "chained"):
        records = snapshot.get(key) or []
        body = ",\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for r in records)
        lines.append(f',\n "{key}": [\n{body}\n ]' if records else f',\n "{key}": []')
    text = "".join(lines) + "\n}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _text(value: Any, limit: int = 500) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _timestamp(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def load_network(settings: Settings, vocabulary: Vocabulary, site_name: str = "") -> Network:
    """Every peer's snapshot, every entry checked again: the cases an index shows, and each peer's status."""
    network = Network()
    seen: dict[str, int] = {}  # a case's address -> its place in network.cases
    direct = [Home(peer.name, peer.url) for peer in settings.plugin.peers]
    for peer in settings.plugin.peers:
        status = PeerStatus(peer.key, peer.name, peer.url)
        network.peers.append(status)
        data, problem = read_snapshot(snapshot_path(settings, peer))
        if data is None:
            status.note = problem or "not fetched yet: run candour federate"
            continue
        status.fetched = _timestamp(data.get("fetched"))
        error = data.get("error")
        if isinstance(error, dict):
            status.error, status.error_since = _text(error.get("message")), _timestamp(error.get("since"))
        status.peers, status.sites = vouched_peers(data.get("peers")), vouched_peers(data.get("sites"))
        status.left_out, status.left_out_count = _recorded(data)
        fetched = status.fetched or "unknown"
        for chained in (False, True):
            key = "chained" if chained else "cases"
            entries = data.get(key, [])
            if not isinstance(entries, list):
                status.note = f"its snapshot's '{key}' is not a list, so none of those cases is shown"
                continue
            checked = check_entries(peer, entries, vouched=status.sites, labels=data.get("labels"),
                                    options=settings.options,
                                    own_url=settings.site_url, fetched=fetched, index_vocabulary=vocabulary,
                                    chained=chained, direct=direct)
            status.left_out += checked.left_out
            status.left_out_count += len(checked.left_out)
            status.loops += checked.loops
            for kind, labels in checked.labels.items():
                for term, label in labels.items():
                    network.labels.setdefault(kind, {}).setdefault(term, label)
            for case in checked.cases:
                address = case.url.rstrip("/").lower()
                if address in seen:  # the same case through two peers: shown once, from its own home if one is
                    earlier = network.cases[seen[address]]
                    if earlier.via and not case.via:
                        network.cases[seen[address]] = case
                    continue
                seen[address] = len(network.cases)
                network.cases.append(case)
    network.cases = _named_apart(network.cases, direct, site_name)
    listed = {snapshot_path(settings, peer).name for peer in settings.plugin.peers}
    with contextlib.suppress(OSError):
        network.strays = sorted(f"{settings.plugin.network_dir}/{path.name}" for path in settings.network_dir.iterdir()
                                if path.name not in listed and not path.name.startswith("."))[:100]
    for status in network.peers:
        mine = [case for case in network.cases if case.peer == status.key]
        status.cases = len(mine)
        for case in mine:
            if case.via:
                status.through[case.home.name] = status.through.get(case.home.name, 0) + 1
    return network


def _named_apart(cases: list[PeerCase], direct: Sequence[Home], site_name: str) -> list[PeerCase]:
    """The cases, each network named apart from every other: a casebook an index speaks for that has the name
    of another casebook (this one, a peer, or another site) is shown with its address too. Readers and the
    network filter tell networks apart by name, so one name never stands for two sites."""
    taken = {site_name.casefold(): ""} if site_name else {}
    for home in direct:
        taken.setdefault(home.name.casefold(), home.url)
    names: dict[str, str] = {}  # a site's address -> the name it is shown under
    for case in cases:
        url = case.home.url
        if url in names:
            continue
        owner = taken.get(case.home.name.casefold())
        if owner is None or same_address(owner, url):
            names[url] = case.home.name
        else:
            parts = urlsplit(url)
            names[url] = f"{case.home.name} ({parts.netloc}{parts.path.rstrip('/')})"
        taken.setdefault(names[url].casefold(), url)
    return [case if names[case.home.url] == case.home.name else
            dataclasses.replace(case, home=Home(names[case.home.url], case.home.url)) for case in cases]


def _recorded(data: dict[str, Any]) -> tuple[list[LeftOut], int]:
    """The entries `candour federate` left out, as its snapshot lists them (text a pull request can change:
    checked for type and length, and shown escaped)."""
    listed: list[LeftOut] = []
    raw = data.get("left_out")
    for item in raw[:MAX_LISTED] if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("entry"), str) and isinstance(item.get("problems"), list):
            problems = tuple(p[:500] for p in item["problems"][:MAX_PROBLEMS + 1] if isinstance(p, str))
            listed.append(LeftOut(item["entry"][:200], problems))
    count = data.get("left_out_count")
    return listed, max(count if type(count) is int and count < 10**9 else 0, len(listed))


def network_json(site_name: str, site_url: str, network: Network, vocabulary: Vocabulary) -> str:
    """This casebook's `network.json`: its name and address, its peers, and the cases it federates (each with
    the site it is from and the indexes it came through), so an index of indexes can be built from it."""
    peers = [{"name": p.name, "url": p.url, "fetched": p.fetched, "cases": p.cases} for p in network.peers]
    sites: dict[str, dict[str, str]] = {}
    labels: dict[str, dict[str, str]] = {}
    records = []
    for case in network.cases:
        sites.setdefault(case.home.url, {"name": case.home.name, "url": case.home.url})
        records.append({**{k: v for k, v in case.record.items() if k not in PLACE_FIELDS}, "slug": case.slug,
                        "url": case.url, "home": {"name": case.home.name, "url": case.home.url},
                        "via": list(case.via), "fetched": case.fetched})
        for kind, term in terms_used(case.record):
            if kind in KINDS and term in vocabulary.terms.get(kind, {}):
                labels.setdefault(kind, {})[term] = vocabulary.label(kind, term)
    head = json.dumps({"schema_version": SCHEMA_VERSION, "name": site_name, "url": site_url, "peers": peers,
                       "sites": list(sites.values()), "labels": labels, "count": len(records)},
                      ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    return f'{head}, "cases": [\n{body}\n]}}\n' if records else f'{head}, "cases": []}}\n'
