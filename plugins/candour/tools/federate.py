"""`candour federate`: fetch each peer's open data, check it, and write a snapshot per peer.

The build reads only the snapshots, so it is reproducible and works offline; a scheduled workflow runs
this command and opens a pull request with the changed snapshots, so people review what comes in.

Every fetch is bounded: a time limit for the whole answer (a peer that trickles bytes is cut off too),
a size limit, at most `MAX_REDIRECTS` redirects and only within the peer's own site, and conditional
requests (ETag, Last-Modified), so an unchanged peer costs one short answer. A peer that fails in any
way keeps its last good snapshot; the failure and the date of that snapshot are written into it, for
the network status page, and reported here.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import ssl
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..core import network
from ..core.model import SCHEMA_VERSION
from ..core.settings import FETCH_MAX_BYTES, FETCH_TIMEOUT_SECONDS, PeerOption, Settings
from ..core.vocabulary import Vocabulary

TIMEOUT_SECONDS = FETCH_TIMEOUT_SECONDS
MAX_BYTES = FETCH_MAX_BYTES
MAX_REDIRECTS = 5
#: Peers fetched at once.
WORKERS = 8
_CHUNK = 1 << 16


class FetchError(Exception):
    """A peer's file could not be fetched; the message says why, in plain words."""


@dataclass
class Fetched:
    body: bytes | None  # None: not modified since the validators were given
    etag: str | None = None
    last_modified: str | None = None
    missing: bool = False  # the peer answered 404 (allowed for network.json: the peer indexes no one)


@dataclass
class Report:
    """What happened to one peer in this run."""

    peer: PeerOption
    outcome: str  # 'updated', 'unchanged' or 'failed'
    message: str
    cases: int = 0
    left_out: list[network.LeftOut] = field(default_factory=list)
    changed: bool = False  # whether its snapshot file was written

    def lines(self) -> list[str]:
        lines = [f"{self.peer.key}: {self.message}"]
        for left in self.left_out[:50]:
            lines.append(f"  left out: {left.entry}: {'; '.join(left.problems)}")
        if len(self.left_out) > 50:
            lines.append(f"  ... and {len(self.left_out) - 50} more left out (all are on the network status page)")
        return lines


def fetch(url: str, site: str, validators: dict[str, Any] | None = None, *, timeout: float = TIMEOUT_SECONDS,
          max_bytes: int = MAX_BYTES, allow_missing: bool = False) -> Fetched:
    """GET `url`, a file of the site at `site`, within the limits above; raise `FetchError` for any fault."""
    deadline = time.monotonic() + timeout
    seen = [url]
    validators = validators or {}
    while True:
        answer, connection = _request(url, validators, deadline, timeout)
        try:
            if answer.status in (301, 302, 303, 307, 308):
                location = answer.getheader("Location")
                if not location:
                    raise FetchError(f"{url} answered a redirect (HTTP {answer.status}) without saying where to")
                target = urljoin(url, location)
                if not network.inside(target, site) and not _upgraded(target, site):
                    hint = " (if the casebook moved to https, list its https:// address)" \
                        if target.startswith("https://") and site.startswith("http://") else ""
                    raise FetchError(f"{url} redirects to {target[:200]}, outside the peer's own site {site}{hint}")
                if target in seen or len(seen) > MAX_REDIRECTS:
                    raise FetchError(f"{seen[0]} redirects round in a loop or more than {MAX_REDIRECTS} times")
                seen.append(target)
                url = target
                continue
            if answer.status == 304 and validators:
                return Fetched(None, validators.get("etag"), validators.get("last_modified"))
            if answer.status == 404 and allow_missing:
                return Fetched(None, missing=True)
            if answer.status != 200:
                raise FetchError(f"{url} answered HTTP {answer.status} {answer.reason[:80]}")
            encoding = (answer.getheader("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity":
                raise FetchError(f"{url} was sent compressed ({encoding[:40]}), which was not asked for")
            length = answer.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url} is {int(length):,} bytes, over the limit of {max_bytes:,}")
            body = _read(answer, connection, deadline, max_bytes, url, timeout)
            return Fetched(body, answer.getheader("ETag"), answer.getheader("Last-Modified"))
        finally:
            connection.close()


def _upgraded(target: str, site: str) -> bool:
    """An http:// site that redirects to the same address on https:// (a common setting of hosts)."""
    return site.startswith("http://") and network.inside(target, "https://" + site[len("http://"):])


def _request(url: str, validators: dict[str, Any], deadline: float,
             timeout: float) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    parts = urlsplit(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"{url} did not answer within {timeout:g} s")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=remaining,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=remaining)
    headers = {"User-Agent": f"Candour/{__version__} (candour federate)", "Accept": "application/json",
               "Accept-Encoding": "identity"}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse(), connection
    except TimeoutError:
        connection.close()
        raise FetchError(f"{url} did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as exc:
        connection.close()
        raise FetchError(f"{url} could not be fetched: {_reason(exc)}") from None


def _read(answer: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float,
          max_bytes: int, url: str, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"{url} took longer than {timeout:g} s to send")
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            chunk = answer.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url} is over the limit of {max_bytes:,} bytes")
            chunks.append(chunk)
    except TimeoutError:
        raise FetchError(f"{url} took longer than {timeout:g} s to send") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url} stopped sending: {_reason(exc)}") from None


def _printable(text: str) -> str:
    """A peer's words (a status line, an address it redirects to) as one line of plain characters: no escape
    sequence reaches a terminal or a CI log, no text-direction character turns a line round."""
    return "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def _document(body: bytes, url: str) -> dict[str, Any]:
    """A peer's JSON file as data, checked for the schema version; raises `FetchError`."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise FetchError(f"{url} is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise FetchError(f"{url} is not a casebook's open data (no list of 'cases' in it)")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:  # not true, not 1.0, not "1"
        raise FetchError(f"{url} declares schema version {json.dumps(version)[:20]}; this Candour reads version "
                         f"{SCHEMA_VERSION}, written as the number {SCHEMA_VERSION} (upgrade Candour if the peer's "
                         "is newer)")
    return data


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def federate_peer(settings: Settings, peer: PeerOption, vocabulary: Vocabulary, *, timeout: float = TIMEOUT_SECONDS,
                  max_bytes: int = MAX_BYTES, now: Callable[[], str] = _now) -> Report:
    """Fetch one peer, check what it serves and update its snapshot; never raises for anything the peer does."""
    path = network.snapshot_path(settings, peer)
    old, unreadable = network.read_snapshot(path)
    old = old or {}
    validators = old.get("validators") if isinstance(old.get("validators"), dict) else {}
    assert isinstance(validators, dict)
    try:
        if settings.site_url and network.same_address(peer.url, settings.site_url):
            raise FetchError("this is this casebook's own address (site_url): a casebook cannot be its own peer")
        cases_file = fetch(peer.url + "cases.json", peer.url, validators.get("cases.json") if not unreadable else None,
                           timeout=timeout, max_bytes=max_bytes)
        network_file = fetch(peer.url + network.NETWORK_FILE, peer.url,
                             validators.get(network.NETWORK_FILE) if not unreadable else None,
                             timeout=timeout, max_bytes=max_bytes, allow_missing=True)
        network_unchanged = network_file.body is None and (not network_file.missing or not old.get("chained"))
        if cases_file.body is None and network_unchanged and not old.get("error"):
            return _unchanged(peer, old)
        own = _document(cases_file.body, peer.url + "cases.json") if cases_file.body is not None else \
            {"cases": old.get("cases") or [], "labels": old.get("labels")}
        if network_file.missing:
            federated: dict[str, Any] = {"cases": [], "peers": [], "sites": []}
        elif network_file.body is not None:
            federated = _document(network_file.body, peer.url + network.NETWORK_FILE)
        else:
            federated = {"cases": old.get("chained") or [], "peers": old.get("peers"), "sites": old.get("sites"),
                         "name": old.get("name")}
    except FetchError as exc:
        return _failed(path, old, peer, str(exc), now)

    fetched = now()
    labels = _merged_labels(own.get("labels"), federated.get("labels"))
    sites = network.vouched_peers(federated.get("sites"))
    direct = [network.Home(p.name, p.url) for p in settings.plugin.peers]
    checks = [network.check_entries(peer, entries, vouched=sites, labels=labels, options=settings.options,
                                    own_url=settings.site_url, fetched=fetched, index_vocabulary=vocabulary,
                                    chained=chained, direct=direct)
              for chained, entries in ((False, _list(own.get("cases"))), (True, _list(federated.get("cases"))))]
    left_out = [left for check in checks for left in check.left_out]
    looped = sum(check.loops for check in checks)
    name = federated.get("name") if isinstance(federated.get("name"), str) else None
    snapshot = {
        "candour_snapshot": network.SNAPSHOT_VERSION,
        "peer": {"name": peer.name, "url": peer.url},
        "name": name[:80] if name else None,
        "fetched": fetched,
        "error": None,
        "validators": {"cases.json": _validators(cases_file, validators.get("cases.json")),
                       network.NETWORK_FILE: _validators(network_file, validators.get(network.NETWORK_FILE))},
        "labels": _used_labels(labels, [case.record for check in checks for case in check.cases]),
        "peers": [{"name": h.name, "url": h.url} for h in network.vouched_peers(federated.get("peers"))],
        "sites": [{"name": h.name, "url": h.url} for h in sites],
        "left_out": [{"entry": left.entry, "problems": list(left.problems)} for left in left_out[:network.MAX_LISTED]],
        "left_out_count": len(left_out),
        "loops": looped,
        "cases": [case.record for case in checks[0].cases],
        "chained": [case.record for case in checks[1].cases],
    }
    if _same(old, snapshot):  # a peer that does not send validators: the same data is not written again
        return _unchanged(peer, old)
    network.write_snapshot(path, snapshot)
    count = len(checks[0].cases) + len(checks[1].cases)
    loops = (f"; {_cases(looped)} came back to this casebook (a loop) and {'was' if looped == 1 else 'were'} left out"
             if looped else "")
    return Report(peer, "updated", f"{_cases(count)} fetched, {len(left_out)} left out{loops}", count, left_out, True)


def _cases(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _kept(old: dict[str, Any]) -> int:
    """How many cases a snapshot holds."""
    return len(old.get("cases") or []) + len(old.get("chained") or [])


def _unchanged(peer: PeerOption, old: dict[str, Any]) -> Report:
    count = _kept(old)
    return Report(peer, "unchanged", f"unchanged since {str(old.get('fetched'))[:10]} ({_cases(count)})", count)


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two snapshots hold the same data (when they were fetched aside)."""
    ignored = ("fetched", "validators")
    return bool(old) and {k: v for k, v in old.items() if k not in ignored} == \
        {k: v for k, v in new.items() if k not in ignored}


def _validators(fetched: Fetched, old: Any) -> dict[str, str | None] | None:
    if fetched.missing:
        return None
    if fetched.body is None:  # not modified: the old ones still stand
        return old if isinstance(old, dict) else None
    return {"etag": fetched.etag, "last_modified": fetched.last_modified}


def _used_labels(labels: dict[str, dict[str, str]], records: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The labels of the terms the kept cases use: a snapshot changes when its cases do."""
    used: dict[str, dict[str, str]] = {}
    for record in records:
        for kind, term in network.terms_used(record):
            if term in labels.get(kind, {}):
                used.setdefault(kind, {})[term] = labels[kind][term]
    return used


def _merged_labels(*sources: Any) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for labels in sources:
        if isinstance(labels, dict):
            for kind, terms in labels.items():
                if isinstance(kind, str) and isinstance(terms, dict):
                    for term, label in terms.items():
                        merged.setdefault(kind, {}).setdefault(str(term), label)
    return merged


def _failed(path: Any, old: dict[str, Any], peer: PeerOption, message: str, now: Callable[[], str]) -> Report:
    """Keep the last good snapshot; record the fault in it (its first time, so a daily run changes nothing
    while the same fault lasts)."""
    message = _printable(message)
    error = old.get("error") if isinstance(old.get("error"), dict) else None
    kept = _kept(old)
    last = str(old.get("fetched"))[:10] if old.get("fetched") else None
    said = f"failed: {message}; " + (f"keeping the snapshot of {last} ({_cases(kept)})" if last else
                                     "no snapshot yet, so none of its cases are shown")
    if error is not None and error.get("message") == message:
        return Report(peer, "failed", said)
    # Failing since the first failure, whatever the faults in between (a 500 one day, a time-out the next).
    since = error.get("since") if error is not None and isinstance(error.get("since"), str) else now()
    snapshot = {"candour_snapshot": network.SNAPSHOT_VERSION, "peer": {"name": peer.name, "url": peer.url},
                "fetched": None, "cases": [], "chained": [], **old, "error": {"message": message, "since": since}}
    network.write_snapshot(path, snapshot)
    return Report(peer, "failed", said, changed=True)


def federate(settings: Settings, vocabulary: Vocabulary, *, timeout: float = TIMEOUT_SECONDS,
             max_bytes: int = MAX_BYTES, now: Callable[[], str] = _now) -> list[Report]:
    """Fetch every peer at once (a slow one does not hold up the rest); one report per peer, in their order."""
    peers = settings.plugin.peers
    if not peers:
        return []
    def one(peer: PeerOption) -> Report:
        try:
            return federate_peer(settings, peer, vocabulary, timeout=timeout, max_bytes=max_bytes, now=now)
        except (RecursionError, MemoryError, ValueError, TypeError, KeyError) as exc:  # a fault of ours, not the
            # peer's: the other peers are still fetched, and this one's last good snapshot is kept untouched
            return Report(peer, "failed", f"failed: Candour could not read what it serves ({type(exc).__name__}: "
                                          f"{str(exc)[:200]}); please report this; its snapshot is unchanged")

    with ThreadPoolExecutor(max_workers=min(WORKERS, len(peers))) as pool:
        return list(pool.map(one, peers))
