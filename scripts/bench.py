#!/usr/bin/env python3
"""Benchmark Candour at N cases against plain mkdocs-material, in one run on this machine.

    python scripts/bench.py 100 1000 10000      (make bench runs 100 and 1000; see docs/performance.md)

For each N it generates N valid, varied, fictional cases (deterministically) into a temporary copy
of the site, then measures, each as a separate process:
  - `candour validate` wall time, start-up included: cold, again unchanged (its cache), and with one case
    changed;
  - under `mkdocs serve`, the seconds from saving an edit to a case until the served page shows it;
  - `mkdocs build` wall time and peak RSS, with the time inside the candour plugin and the Pagefind
    step reported separately (from the build log); best of three, alternating with the baseline;
  - a baseline: mkdocs-material with its own search plugin building the same Markdown bodies, the
    cases left out of the nav;
  - search cost in Chromium: bytes fetched until the first results show, for a common and a rare word,
    and the total size of the Pagefind index;
  - the HTML size of one case page and of /cases/;
  - an index of 20 peers sharing the same N cases (their snapshots), built against the single casebook.
It prints a table and writes bench-results/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# Words for fictional text. Nothing here names a real organisation or place.
WORDS = [
    "referral", "partner", "council", "team", "service", "data", "family", "housing", "worker", "plan", "budget",
    "review", "meeting", "form", "agreement", "pilot", "system", "staff", "trust", "practice", "manager", "board",
    "week", "month", "quarter", "delay", "cost", "outcome", "evidence", "contract", "supplier", "training",
    "caseload", "visit", "advice", "support", "local", "shared", "named", "weekly", "early", "slow", "fast",
    "clear", "late", "open", "joint", "first", "second", "third", "many", "few", "new", "old", "small", "large",
    "agreed", "missed", "changed", "moved", "tested", "built", "paid", "asked", "waited", "learned", "found",
    "started", "stopped",
]
SYLLABLES = ["har", "row", "field", "brack", "en", "moor", "copper", "dale", "oak", "hurst", "glen", "ross",
             "llan", "fair", "river", "side", "ash", "by", "stan", "ton", "wick", "mere", "ford", "ley"]
ROUNDS = 3  # builds and baseline builds, alternating, at up to 1,000 cases
RARE_WORD = "quillwort"  # appears in exactly one generated case
#: A word a reader would search for, as common as a casebook's topics are: 1.3% of the words (the commonest
#: word, WORDS[0], is 10.7%, as common as 'the' is in English).
TOPIC_WORD = "housing"


def fictional_place(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _lexicon(size: int = 6000) -> tuple[list[str], list[float]]:
    """A Zipf-distributed vocabulary: the common words above, then made-up words, rarer and rarer.

    Real prose follows Zipf's law; a text of a few dozen words repeated would make every word's
    index entry list every page, and overstate what a search has to fetch.
    """
    rng = random.Random(7)
    words = list(WORDS)
    seen = set(words)
    syllables = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "zen", "dor", "gil", "qua", "bex"]
    while len(words) < size:  # other syllables than place names', so no word is an organisation's name
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, weights


LEXICON, ZIPF = _lexicon()


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = rng.choices(LEXICON, weights=ZIPF, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def generate_case(index: int, rng: random.Random, vocabulary: dict[str, list[str]]) -> tuple[str, str]:
    status = rng.choice(["planned", "in-progress", "paused", "completed", "stopped"])
    year = rng.randint(2015, 2025)
    started = f"{year}-{rng.randint(1, 12):02d}"
    place = fictional_place(rng)
    data: dict[str, Any] = {
        "title": f"{sentence(rng, 4, 8)[:-1]} in {place} ({index})",
        "summary": " ".join(sentence(rng) for _ in range(3)),
        "status": status,
        "started": started,
    }
    if status in ("completed", "stopped") or (status == "paused" and rng.random() < 0.5):
        data["ended"] = f"{year + 1}-{rng.randint(1, 12):02d}"
    data.update({
        "published": f"{min(year + 1, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "place": place,
        "region": rng.choice(vocabulary["regions"]),
        "services": rng.sample(vocabulary["services"], rng.randint(1, 3)),
        "themes": rng.sample(vocabulary["themes"], rng.randint(1, 4)),
        "partners": rng.sample(vocabulary["partners"], rng.randint(0, 3)),
    })
    if rng.random() < 0.3:
        data.update({"attribution": "anonymised", "described_as": f"A {rng.choice(WORDS)} service in the region"})
    else:
        data.update({"attribution": "named", "organisations": [f"{place} {rng.choice(['Council', 'Trust'])}"]})
    data["setbacks"] = [
        {"what": sentence(rng, 10, 20), "why": sentence(rng), "impact": sentence(rng), "response": sentence(rng),
         **({"themes": rng.sample(vocabulary["themes"], 1)} if rng.random() < 0.3 else {})}
        for _ in range(rng.randint(2, 5))]
    data["do_differently"] = [sentence(rng, 10, 20) for _ in range(rng.randint(2, 4))]
    data["what_worked"] = [sentence(rng) for _ in range(rng.randint(0, 3))]
    if status in ("in-progress", "paused") and rng.random() < 0.7:
        data["updates"] = [{"date": f"{year}-{m:02d}", "note": sentence(rng)} for m in range(1, rng.randint(2, 6))]
    data["illustrative"] = True
    if index == 7:
        data["setbacks"][0]["what"] += f" The {RARE_WORD} register was lost."
    paragraphs = []
    words = 0
    while words < 1500:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))
        words += len(paragraph.split())
        paragraphs.append(paragraph)
    body = "\n\n".join(f"## {sentence(rng, 2, 5)[:-1]}\n\n{p}" if i % 4 == 0 else p
                       for i, p in enumerate(paragraphs))
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return f"case-{index:05d}", f"---\n{front}---\n\n{body}\n"


def make_site(folder: Path, n: int, seed: int = 2026) -> None:
    for name in ("docs",):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    (folder / "cases").mkdir()
    shutil.copy(ROOT / "cases" / "vocabulary.yml", folder / "cases")
    vocabulary = {k: list(v) for k, v in yaml.safe_load((ROOT / "cases" / "vocabulary.yml").read_text()).items()}
    rng = random.Random(seed)
    for index in range(n):
        slug, text = generate_case(index, rng, vocabulary)
        (folder / "cases" / f"{slug}.md").write_text(text, encoding="utf-8")


def make_baseline(site: Path, folder: Path) -> None:
    """The same Markdown bodies as plain pages: mkdocs-material with its own search plugin (what a user would
    pick instead), cases out of the nav."""
    docs = folder / "docs"
    (docs / "cases").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    for case in (site / "cases").glob("*.md"):
        body = case.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        (docs / "cases" / case.name).write_text(body, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Baseline\nsite_url: http://127.0.0.1:8000/\ntheme:\n  name: material\n  font: false\n"
        "plugins: [search]\nnav:\n  - Home: index.md\nvalidation:\n  nav:\n    omitted_files: info\n")


PEERS = 20


def make_federation(site: Path, built: Path, folder: Path, peers: int = PEERS) -> None:
    """An index with no cases of its own, and `peers` peers that share the single casebook's cases between them:
    their snapshots, as `candour federate` writes them, made from that casebook's own cases.json."""
    from candour.core.network import SNAPSHOT_VERSION, write_snapshot

    for name in ("docs",):
        shutil.copytree(site / name, folder / name)
    (folder / "cases").mkdir()
    shutil.copy(site / "cases" / "vocabulary.yml", folder / "cases")
    records = json.loads((built / "cases.json").read_text(encoding="utf-8"))["cases"]
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    listed = "".join(f"        - name: Peer network {k:02d}\n          url: https://peer-{k:02d}.example/\n"
                     for k in range(peers))
    config = config.replace("      min_words: 8\n", f"      min_words: 8\n      peers:\n{listed}", 1)
    assert listed in config
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    for k in range(peers):
        base = f"https://peer-{k:02d}.example/"
        mine = [{**r, "url": f"{base}cases/{r['slug']}/"} for r in records[k::peers]]
        write_snapshot(folder / "network" / f"peer-network-{k:02d}.json", {
            "candour_snapshot": SNAPSHOT_VERSION, "peer": {"name": f"Peer network {k:02d}", "url": base},
            "fetched": "2026-11-27T00:00:00Z", "error": None, "labels": {}, "peers": [], "sites": [],
            "left_out": [], "loops": 0, "cases": mine, "chained": []})


def timed(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run a command; its wall time, peak RSS (from the kernel's accounting) and output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024), "output": output}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def search_cost(site_dir: Path, words: list[str]) -> dict[str, int]:
    """Bytes Chromium fetches from opening /search/?q=WORD until the first result shows."""
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serve

    out: dict[str, int] = {}
    with serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for word in words:
            context = browser.new_context()
            page = context.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]))
            page.goto(f"{base}search/?q={word}")
            page.locator(".candour-search__result").first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            out[word] = sum(sizes)
            context.close()
        browser.close()
    return out


def serve_preview(site: Path, port: int = 8971) -> float:
    """Seconds from saving an edit to a case until `mkdocs serve` serves the changed page."""
    import urllib.error
    import urllib.request

    url = f"http://127.0.0.1:{port}/cases/case-00001/"
    case = site / "cases" / "case-00001.md"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError):
            return ""

    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=site, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while "<h1" not in page():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.5)
        time.sleep(2)  # let the watcher settle after the first build
        marker = f"edited {time.time_ns()}"
        text = case.read_text(encoding="utf-8")
        saved = time.monotonic()
        case.write_text(text.replace("\ntitle: ", f"\ntitle: {marker} ", 1), encoding="utf-8")
        while marker not in page():
            if time.monotonic() - saved > 600:
                raise SystemExit("the edit never showed")
            time.sleep(0.1)
        return round(time.monotonic() - saved, 2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench(n: int, with_search: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"candour-bench-{n}-") as tmp:
        site = Path(tmp) / "site-src"
        site.mkdir()
        make_site(site, n)
        ENV["CANDOUR_CACHE_DIR"] = str(Path(tmp) / "checks-cache")  # this run's own cache, cold at first
        validate = timed([str(BIN / "candour"), "validate"], site)
        assert f"{n} files checked: " in validate["output"], validate["output"][-500:]
        validate_cached = timed([str(BIN / "candour"), "validate"], site)
        one = site / "cases" / "case-00002.md"
        one.write_text(one.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        validate_one = timed([str(BIN / "candour"), "validate"], site)
        ENV["CANDOUR_CACHE_DIR"] = ""  # the build and its baseline compared cold: no cache
        baseline_dir = Path(tmp) / "baseline"
        make_baseline(site, baseline_dir)
        # Alternating, best of ROUNDS each (one at 10,000): a noisy machine slows one run, rarely all of them.
        builds, baselines = [], []
        for _ in range(ROUNDS if n <= 1000 else 1):
            builds.append(timed([str(BIN / "mkdocs"), "build", "--strict"], site))
            baselines.append(timed([str(BIN / "mkdocs"), "build"], baseline_dir))
        build = min(builds, key=lambda run: run["seconds"])
        baseline = min(baselines, key=lambda run: run["seconds"])
        plugin = re.search(r"candour: timings: checking ([\d.]+) s, planning ([\d.]+) s, Pagefind ([\d.]+) s",
                           build["output"])
        built = site / "site"
        pagefind_peak = re.search(r"words in all, at most (\d+) MB of memory", build["output"])
        result: dict[str, Any] = {
            "cases": n,
            "validate_s": validate["seconds"],
            "validate_cached_s": validate_cached["seconds"],
            "validate_one_changed_s": validate_one["seconds"],
            "validate_peak_rss_mb": validate["peak_rss_mb"],
            "build_s": build["seconds"],
            "build_peak_rss_mb": build["peak_rss_mb"],
            "plugin_check_s": float(plugin.group(1)) if plugin else None,
            "plugin_pages_s": float(plugin.group(2)) if plugin else None,
            "pagefind_s": float(plugin.group(3)) if plugin else None,
            "pagefind_peak_mb": int(pagefind_peak.group(1)) if pagefind_peak else None,
            "baseline_s": baseline["seconds"],
            "baseline_peak_rss_mb": baseline["peak_rss_mb"],
            "build_over_baseline": round(build["seconds"] / baseline["seconds"], 2),
            "case_page_kb": round((built / "cases" / "case-00001" / "index.html").stat().st_size / 1024, 1),
            "cases_index_kb": round((built / "cases" / "index.html").stat().st_size / 1024, 1),
            "largest_theme_page_kb": round(max(p.stat().st_size for p in (built / "themes").glob("*/index.html"))
                                           / 1024, 1),
            "site_mb": round(folder_bytes(built) / 1e6, 1),
            "pagefind_index_mb": round(folder_bytes(built / "pagefind") / 1e6, 2),
        }
        # The same cases from 20 peers' snapshots: an index builds cards, search records and lessons, not pages.
        federation = Path(tmp) / "federation"
        make_federation(site, built, federation)
        federated = min((timed([str(BIN / "mkdocs"), "build", "--strict"], federation)
                         for _ in range(ROUNDS if n <= 1000 else 1)), key=lambda run: run["seconds"])
        assert f"network: {n} cases from {PEERS} peers" in federated["output"], federated["output"][-2000:]
        result.update(federation_s=federated["seconds"], federation_peak_rss_mb=federated["peak_rss_mb"],
                      federation_over_single=round(federated["seconds"] / build["seconds"], 2))
        ENV["CANDOUR_CACHE_DIR"] = str(Path(tmp) / "serve-cache")
        result["serve_preview_s"] = serve_preview(site)
        if with_search:
            cost = search_cost(built, [WORDS[0], RARE_WORD, TOPIC_WORD])
            result["search_common_kb"] = round(cost[WORDS[0]] / 1024)
            result["search_rare_kb"] = round(cost[RARE_WORD] / 1024)
            result["search_topic_kb"] = round(cost[TOPIC_WORD] / 1024)
        return result


COLUMNS = [("cases", "cases"), ("validate_s", "validate s"), ("validate_cached_s", "validate cached s"),
           ("validate_one_changed_s", "validate 1 changed s"), ("serve_preview_s", "serve edit s"),
           ("build_s", "build s"),
           ("plugin_check_s", "check s"), ("plugin_pages_s", "plugin pages s"), ("pagefind_s", "Pagefind s"),
           ("baseline_s", "baseline s"), ("build_over_baseline", "build/baseline"),
           ("build_peak_rss_mb", "build RSS MB"), ("pagefind_peak_mb", "Pagefind peak MB"),
           ("search_common_kb", "search common KB"),
           ("search_rare_kb", "search rare KB"), ("search_topic_kb", f"search '{TOPIC_WORD}' KB"),
           ("pagefind_index_mb", "index MB"), ("case_page_kb", "case page KB"),
           ("cases_index_kb", "/cases/ KB"), ("largest_theme_page_kb", "largest theme KB"),
           ("federation_s", f"{PEERS} peers build s"), ("federation_over_single", "peers/single")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--no-search", action="store_true", help="skip the Chromium search measurement")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "bench.json")
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        print(f"benchmarking {n} cases ...", flush=True)
        results.append(bench(n, not args.no_search))
        print(json.dumps(results[-1]), flush=True)
    print("\n| " + " | ".join(label for _, label in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for r in results:
        print("| " + " | ".join(str(r.get(key, "")) for key, _ in COLUMNS) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    args.out.write_text(json.dumps({"machine": meta, "results": results}, indent=2))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
