"""The search index: Pagefind, fed each searchable page as the site is written.

Pagefind splits its index into small fragments and a browser fetches only those a query needs,
so search stays fast at 10,000 cases where a lunr index would be loaded whole.

Pagefind runs as a service in a process of its own: a site engine hands it each page as soon as
the page is written, so the index is made on another core while the engine renders
the rest, instead of after it, reading every file back from disk. Only pages with a searchable
region (`data-pagefind-body`) are sent; of a case page, only that region (`SEARCH_BODY_END` marks where
it ends), which is all Pagefind reads of it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import subprocess
import threading
from pathlib import Path as FsPath
from typing import Any

from pagefind.service import get_executable

#: Longest Pagefind may take to index one page, or to write the index; 10,000 cases index in well under it.
TIMEOUT_SECONDS = 600
SEARCH_BODY = "<div data-pagefind-body>"
#: Written by the case template right after the searchable region's closing tag.
SEARCH_BODY_END = "<!-- candour:search-body-end -->"
_HTML_TAG_RE = re.compile(r"<html\b[^<>]*+>", re.IGNORECASE)


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def searchable(html: str) -> str | None:
    """What Pagefind needs of a page: None when it has no searchable region; the region alone, in the page's
    own `<html>` tag (its language), when the template marked its end; else the whole page."""
    start = html.find(SEARCH_BODY)
    if start < 0:
        return None
    end = html.find(SEARCH_BODY_END, start)
    tag = _HTML_TAG_RE.search(html, 0, start)
    if end < 0 or tag is None:
        return html
    return f"<!doctype html>{tag.group(0)}<head><meta charset=\"utf-8\"></head><body>{html[start:end]}</body></html>"


def _peak_memory_mb(pid: int) -> int | None:
    """The most memory a running process has held (Linux's VmHWM), for the build's log; None elsewhere."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class Indexer:
    """A Pagefind index being made: `add` each page as it is written, then `write` it (or `close` it unwritten).

    It talks to Pagefind's service (the `pagefind --service` binary that Pagefind's own Python API drives, with
    the same messages: base64 JSON, each ended by a comma). That API waits a tenth of a second before reading
    each answer, so a page costs at least 0.1 s (100 s for 1,000 cases); here a thread reads the answers as
    they come, and `add` returns as soon as the page is sent.
    """

    def __init__(self) -> None:
        executable = get_executable()
        if executable is None:
            raise SearchIndexError("Pagefind did not start: its binary is not installed (pip install 'pagefind[bin]')")
        try:
            self._service = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SearchIndexError(f"Pagefind did not start: {exc}") from None
        self._answers: dict[int, dict[str, Any]] = {}
        self._arrived = threading.Condition()
        self._sent = 0
        self._pages: list[int] = []
        self._reader = threading.Thread(target=self._read, name="candour-pagefind", daemon=True)
        self._reader.start()
        try:
            self._index_id = self._ask({"type": "NewIndex", "config": None})["index_id"]
        except (SearchIndexError, KeyError) as exc:
            self.close()
            raise SearchIndexError(f"Pagefind did not start: {exc}") from None

    def _send(self, payload: dict[str, Any]) -> int:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        assert self._service.stdin is not None
        try:
            self._service.stdin.write(base64.b64encode(message) + b",")
            self._service.stdin.flush()
        except OSError as exc:
            raise SearchIndexError(f"Pagefind stopped: {exc}") from None
        return self._sent

    def _read(self) -> None:
        assert self._service.stdout is not None
        stream = self._service.stdout.fileno()
        buffer = b""
        while chunk := os.read(stream, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for message in messages:
                try:
                    answer = json.loads(base64.b64decode(message))
                except ValueError:
                    continue
                number = answer.get("message_id")
                if number is None:  # Pagefind could not read the message: it sends it back
                    original = (answer.get("payload") or {}).get("original_message") or "{}"
                    number = json.loads(original).get("message_id")
                with self._arrived:
                    self._answers[number] = answer.get("payload") or {}
                    self._arrived.notify_all()
        with self._arrived:  # the service has ended: nothing more will come
            self._answers[0] = {"type": "Error", "message": "Pagefind stopped"}
            self._arrived.notify_all()

    def _answer(self, number: int) -> dict[str, Any]:
        with self._arrived:
            if not self._arrived.wait_for(lambda: number in self._answers or 0 in self._answers, TIMEOUT_SECONDS):
                raise SearchIndexError("Pagefind did not answer in time")
            answer = self._answers.pop(number, None) or self._answers[0]
        if answer.get("type") == "Error":
            raise SearchIndexError(str(answer.get("message")))
        return answer

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._answer(self._send(payload))

    def add(self, html: str, url: str) -> None:
        """Index `html` (a whole page, as written) under `url`, the page's address from the site's root."""
        text = searchable(html)
        if text is not None:
            self._pages.append(self._send({"type": "AddFile", "index_id": self._index_id, "url": url,
                                           "file_path": None, "file_contents": text}))

    def add_record(self, url: str, title: str, content: str, filters: dict[str, list[str]], meta: dict[str, str],
                   language: str) -> None:
        """Index a page of another site (another network's case) from its text: a result links to `url`."""
        self._pages.append(self._send({"type": "AddRecord", "index_id": self._index_id, "url": url,
                                       "content": content, "language": language, "meta": {**meta, "title": title},
                                       "filters": filters, "sort": None}))

    def write(self, site_dir: FsPath) -> str:
        """Write the index into `site_dir/pagefind/`; return a one-line summary."""
        try:
            words = sum(self._answer(number).get("page_word_count", 0) for number in self._pages)
            self._ask({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(site_dir / "pagefind")})
            peak = _peak_memory_mb(self._service.pid)
        except SearchIndexError as exc:
            raise SearchIndexError(f"Pagefind failed: {exc}") from None
        finally:
            self.close()
        return (f"search: Pagefind indexed {len(self._pages)} pages, {words} words in all"
                + (f", at most {peak} MB of memory" if peak is not None else ""))

    def close(self) -> None:
        """Stop the service; what was not written is lost."""
        if self._service.poll() is None:
            with contextlib.suppress(OSError):
                assert self._service.stdin is not None
                self._service.stdin.close()
            self._service.terminate()
            try:
                self._service.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._service.kill()
                self._service.wait()
        self._reader.join(timeout=10)
