"""The search index: Pagefind, run over the built site.

Pagefind splits its index into small fragments and a browser fetches only those a query needs,
so search stays fast at 10,000 cases where a lunr index would be loaded whole.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path as FsPath

#: Longest a Pagefind run may take; 10,000 cases index in well under this on two cores.
TIMEOUT_SECONDS = 600


class SearchIndexError(Exception):
    """Pagefind could not index the site."""


def build_index(site_dir: FsPath) -> str:
    """Index `site_dir` into `site_dir/pagefind/`; return Pagefind's one-line summary."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Pagefind did not run: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("Pagefind failed: " + " / ".join(detail))
    pages = re.search(r"Indexed (\d+) pages?", result.stdout)
    words = re.search(r"Indexed (\d+) words?", result.stdout)
    return (f"search: Pagefind indexed {pages.group(1) if pages else '?'} pages, "
            f"{words.group(1) if words else '?'} words")
