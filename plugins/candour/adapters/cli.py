"""The `candour` command: a thin adapter over the core, which CI relies on.

Exit codes: 0 every case is valid, 1 a case (or the vocabulary) has errors, 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from ..core import casebook
from ..core.cache import ResultCache, default_folder
from ..core.loader import UnreadableFile, read_bytes, read_case
from ..core.names import SLUG_RE, did_you_mean, slugify
from ..core.problems import FORMATS, Problem, display_name, markdown_table, render
from ..core.settings import FETCH_MAX_BYTES, FETCH_TIMEOUT_SECONDS, ConfigError, Settings, load_settings
from ..core.vocabulary import Vocabulary, VocabularyError

if TYPE_CHECKING:
    from ..tools import authoring

# Each command imports what only it needs (the case model, the tools, the network): `candour validate` on
# a casebook whose results are all in the cache of checks starts in a fraction of the time.

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.run is _init:  # a new casebook has no mkdocs.yml yet
        return int(_init(args))
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"candour: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args, settings))
    except BrokenPipeError:  # `candour validate | head`: the reader stopped reading; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_INVALID


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="candour", description="Check and publish candid case studies.")
    parser.add_argument("--config", type=FsPath, help="the site's mkdocs.yml (default: found from here upwards)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check cases; exit 1 if any has errors",
                                   description="Check case files and report every problem, located.")
    validate.add_argument("paths", nargs="*", type=FsPath, metavar="PATH",
                          help="case files or folders (default: the cases folder named in mkdocs.yml)")
    validate.add_argument("--format", choices=FORMATS, default="text",
                          help="text (default), github (workflow annotations) or json")
    validate.add_argument("--changed-since", metavar="REF",
                          help="only the files in the cases folder changed since this git ref (e.g. origin/main)")
    validate.add_argument("--no-cache", action="store_true",
                          help="check every file again, ignoring the results kept from earlier runs (kept in "
                               "~/.cache/candour, or CANDOUR_CACHE_DIR; an empty CANDOUR_CACHE_DIR keeps none)")
    validate.set_defaults(run=_validate)

    new = commands.add_parser("new", help="start a new case from a few answers",
                              description="Write cases/<slug>.md with every field, and TODO where you still "
                                          "have to write. Asks in a terminal; flags answer for scripts.")
    for flag, what in (("title", "the case's title"), ("summary", "20 to 120 words"),
                       ("status", "planned, in-progress, paused, completed or stopped"),
                       ("started", "YYYY-MM"), ("ended", "YYYY-MM"), ("place", "e.g. Greater Essex"),
                       ("region", "a regions term"), ("attribution", "named or anonymised"),
                       ("described-as", "who you are, when anonymised"), ("slug", "the file name, without .md")):
        new.add_argument(f"--{flag}", help=what)
    for flag, what in (("service", "a services term"), ("theme", "a themes term"), ("partner", "a partners term"),
                       ("organisation", "an organisation's name")):
        new.add_argument(f"--{flag}", action="append", default=[], help=f"{what} (repeat for more)")
    new.add_argument("--no-input", action="store_true", help="never ask: leave TODOs for what the flags do not say")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(run=_new)

    imp = commands.add_parser("import", help="turn blog posts into draft cases",
                              description="Turn Markdown write-ups (Jekyll, Hugo or Eleventy) into draft cases, "
                                          "keeping title, date, summary, tags and text; TODOs mark the rest.")
    imp.add_argument("files", nargs="+", type=FsPath, metavar="FILE")
    imp.add_argument("--dir", type=FsPath, help="where to write the drafts (default: the cases folder)")
    imp.set_defaults(run=_import)

    stale = commands.add_parser("stale", help="list ongoing cases with no update or review for a while")
    stale.add_argument("--days", type=int, default=180, help="how long counts as stale (default 180)")
    stale.add_argument("--format", choices=("text", "json"), default="text")
    stale.add_argument("--today", type=_iso_date, default=None, help=argparse.SUPPRESS)
    stale.set_defaults(run=_stale)

    init = commands.add_parser("init", help="create a new casebook of your own in a new folder",
                               description="Create a casebook: mkdocs.yml, cases/ with the vocabulary and one "
                                           "illustrative example, the home page, GitHub workflows, a Makefile "
                                           "and a README. It builds and validates at once.")
    init.add_argument("folder", type=FsPath, metavar="FOLDER", help="a new (or empty) folder")
    init.add_argument("--name", help="the casebook's name, shown on every page (default: from the folder name)")
    init.set_defaults(run=_init)

    form = commands.add_parser("issue-form", help="print the 'Submit a case' issue form, made from the vocabulary",
                               description="Print .github/ISSUE_TEMPLATE/submit-a-case.yml for this casebook's "
                                           "vocabulary; run it again after changing the vocabulary.")
    form.set_defaults(run=_issue_form)

    issue = commands.add_parser("from-issue", help="turn a submitted issue's body into a draft case",
                                description="Write the case a 'Submit a case' issue describes into the cases "
                                            "folder, and print its path. Unanswered fields become TODOs.")
    issue.add_argument("--body-file", type=FsPath, required=True, help="the issue's body, as a file")
    issue.add_argument("--dir", type=FsPath, help="where to write it (default: the cases folder)")
    issue.set_defaults(run=_from_issue)

    schema = commands.add_parser("schema", help="print the JSON Schema of a case's front-matter")
    schema.set_defaults(run=_schema)

    fed = commands.add_parser("federate", help="fetch the peers' open data into snapshots (network/<peer>.json)",
                              description="Fetch each peer casebook listed under 'peers' in mkdocs.yml, check "
                                          "every case it serves as untrusted, and write a snapshot per peer. A "
                                          "peer that fails keeps its last good snapshot. Exit 0 unless mkdocs.yml "
                                          "or the vocabulary is broken; --strict exits 1 if any peer failed.")
    fed.add_argument("--timeout", type=float, default=FETCH_TIMEOUT_SECONDS, metavar="SECONDS",
                     help=f"longest one file may take (default {FETCH_TIMEOUT_SECONDS:g})")
    fed.add_argument("--max-mb", type=float, default=FETCH_MAX_BYTES / 1e6, metavar="MB",
                     help=f"largest file taken from a peer (default {FETCH_MAX_BYTES / 1e6:g})")
    fed.add_argument("--strict", action="store_true", help="exit 1 if any peer could not be fetched")
    fed.set_defaults(run=_federate)
    return parser


def _vocabulary(settings: Settings, fmt: str) -> Vocabulary | None:
    try:
        return settings.load_vocabulary()
    except VocabularyError as exc:
        _report(exc.problems, fmt, {"line": "the vocabulary file has errors; no case was checked"})
        return None


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from None


def _changed_files(ref: str, folder: FsPath) -> set[str] | None:
    """Files under `folder` changed on this branch since it left `ref` (committed or not), and new untracked
    ones; None if git fails.

    Compared with the merge base of `ref` and HEAD, as a pull request is: when `ref` (main) has moved on,
    the files changed there are not this branch's.
    """
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
    base = subprocess.run(["git", "merge-base", ref, "HEAD"], capture_output=True, text=True, check=False)
    if top.returncode != 0 or base.returncode != 0:
        return None
    commands = (["git", "diff", "--name-only", "--no-renames", base.stdout.strip(), "--", str(folder)],
                ["git", "ls-files", "--others", "--exclude-standard", "--", str(folder)])
    changed: set[str] = set()
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=top.stdout.strip())
        if result.returncode != 0:
            return None
        changed |= {display_name(FsPath(top.stdout.strip()) / line, FsPath.cwd())
                    for line in result.stdout.splitlines() if line}
    return changed


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    vocabulary = _vocabulary(settings, args.format)
    if vocabulary is None:
        return EXIT_INVALID
    if args.changed_since:
        return _validate_changed(args, settings, vocabulary)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"candour: no such file or folder: {path}", file=sys.stderr)
        return EXIT_USAGE
    book = casebook.Casebook()
    cache = _cache(args, settings)
    for folder in [p for p in args.paths if p.is_dir()] or ([] if args.paths else [settings.cases_dir]):
        book.merge(casebook.load(folder, vocabulary, settings.options, root=FsPath.cwd(),
                                 vocabulary_file=settings.vocabulary, cache=cache))
    cache.save()
    files = [p for p in args.paths if p.is_file()]
    options = settings.options
    if files:  # an anonymised case is checked against the organisations every other case names
        others = [read_case(p, p.name) for p in sorted(settings.cases_dir.glob("*.md"))] + \
                 [read_case(p, p.name) for p in files]
        options = casebook.with_organisations(options, casebook.named_organisations(others))
    for path in files:
        book.add(casebook.check_file(path, vocabulary, options, FsPath.cwd()))
    _report(book.problems, args.format, book.summary())
    return EXIT_INVALID if book.errors else EXIT_OK


def _cache(args: argparse.Namespace, settings: Settings) -> ResultCache:
    return casebook.checks_cache(settings, None if args.no_cache else default_folder())


def _validate_changed(args: argparse.Namespace, settings: Settings, vocabulary: Vocabulary) -> int:
    """Check the whole folder (cross-case rules need it) but report only on the changed files: their own
    problems, and those they cause in files the pull request does not touch."""
    changed = _changed_files(args.changed_since, settings.cases_dir)
    if changed is None:
        print(f"candour: cannot list the files changed since {args.changed_since!r}: is this a git checkout "
              "and does the ref exist?", file=sys.stderr)
        return EXIT_USAGE
    cache = _cache(args, settings)
    full = casebook.load(settings.cases_dir, vocabulary, settings.options, root=FsPath.cwd(),
                         vocabulary_file=settings.vocabulary, cache=cache)
    cache.save()
    existing = {f for f in changed if (FsPath.cwd() / f).exists()}
    book = full.only(existing, casebook.caused_by(full, existing))
    _report(book.problems, args.format, book.summary())
    return EXIT_INVALID if book.errors else EXIT_OK


def _new(args: argparse.Namespace, settings: Settings) -> int:
    from ..tools import authoring

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    ask = sys.stdin.isatty() and not args.no_input
    if not ask and not args.no_input:
        print("candour: not in a terminal, so no questions were asked (answers piped in are not read): "
              "give them as flags, e.g. --title \"...\" --region london, and --no-input to say so",
              file=sys.stderr)
    answers = authoring.Answers(
        title=args.title, summary=args.summary, status=args.status, started=args.started, ended=args.ended,
        place=args.place, region=args.region, services=_split(args.service), themes=_split(args.theme),
        partners=_split(args.partner), attribution=args.attribution, organisations=args.organisation,
        described_as=args.described_as)
    if ask:
        _ask(answers, vocabulary)
    slug = args.slug if args.slug is not None else slugify(answers.title or "new-case")
    if not SLUG_RE.match(slug) or slug in casebook.RESERVED_SLUGS:
        print(f"candour: --slug {slug!r} cannot be a case's name: use lower-case letters, digits and single hyphens, "
              f"like 'housing-first-pilot' (and not {', '.join(sorted(casebook.RESERVED_SLUGS))})", file=sys.stderr)
        return EXIT_USAGE
    path = settings.cases_dir / f"{slug}.md"
    if path.exists() and not args.force:
        print(f"candour: {display_name(path, FsPath.cwd())} already exists (choose another --slug, "
              "or --force to overwrite it)", file=sys.stderr)
        return EXIT_USAGE
    path.write_text(authoring.render_case(answers, vocabulary), encoding="utf-8")
    shown = display_name(path, FsPath.cwd())
    print(f"Wrote {shown}.\n\nNext steps:\n"
          f"  1. Open {shown} and replace every TODO: above all the setbacks and what you would do differently.\n"
          f"  2. Check it: candour validate {shown}\n"
          "  3. Preview the site: make serve, then open http://127.0.0.1:8000/cases/\n"
          "  4. Open a pull request (see the Contribute page).")
    return EXIT_OK


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _ask(answers: authoring.Answers, vocabulary: Vocabulary) -> None:
    """Ask in the terminal for what the flags left out. An empty answer leaves a TODO."""
    from ..core.model import ATTRIBUTIONS, STATUSES

    def prompt(question: str, allowed: list[str] | None = None, many: bool = False) -> str | list[str] | None:
        hint = f" ({', '.join(allowed)})" if allowed and len(allowed) <= 6 else ""
        while True:
            reply = input(f"{question}{hint}: ").strip()
            if not reply:
                return [] if many else None
            values = [v.strip() for v in reply.split(",") if v.strip()] if many else [reply]
            wrong = [v for v in values if allowed is not None and v not in allowed]
            if not wrong:
                return values if many else values[0]
            for value in wrong:
                suggestion = did_you_mean(value, allowed or [])
                print(f"  {value!r} is not allowed{': ' + suggestion if suggestion else ''} "
                      f"(allowed: {', '.join(allowed or [])})")

    print("A new case. Press Enter to skip a question: the file will say TODO there.")
    if answers.title is None:
        answers.title = prompt("Title: what was tried, and where")  # type: ignore[assignment]
    if answers.status is None:
        answers.status = prompt("Status", list(STATUSES))  # type: ignore[assignment]
    if answers.place is None:
        answers.place = prompt("Place, e.g. Greater Essex")  # type: ignore[assignment]
    if answers.region is None:
        answers.region = prompt("Region", vocabulary.allowed("regions"))  # type: ignore[assignment]
    if not answers.services:
        answers.services = prompt("Services, separated by commas", vocabulary.allowed("services"),  # type: ignore[assignment]
                                  many=True)
    if not answers.themes:
        answers.themes = prompt("Themes, separated by commas", vocabulary.allowed("themes"),  # type: ignore[assignment]
                                many=True)
    if answers.attribution is None:
        answers.attribution = prompt("Attribution", list(ATTRIBUTIONS)) or "named"  # type: ignore[assignment]
    if answers.attribution == "named" and not answers.organisations:
        answers.organisations = prompt("Organisations, separated by commas", many=True)  # type: ignore[assignment]
    if answers.attribution == "anonymised" and answers.described_as is None:
        answers.described_as = prompt("Describe who you are without names")  # type: ignore[assignment]


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from ..tools import authoring

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    folder = args.dir or settings.cases_dir
    missing = [p for p in args.files if not p.is_file()]
    if missing:
        for path in missing:
            print(f"candour: no such file: {path}", file=sys.stderr)
        return EXIT_USAGE
    folder.mkdir(parents=True, exist_ok=True)
    failed = 0
    for source in args.files:
        text = source.read_bytes().decode("utf-8", errors="replace")
        try:
            slug, answers = authoring.import_post(text, vocabulary, source.stem)
        except authoring.UnreadablePost as exc:
            print(f"candour: {source}: {exc}; nothing was written for it (fix the front-matter and run it again)",
                  file=sys.stderr)
            failed += 1
            continue
        path, n = folder / f"{slug}.md", 2
        while path.exists():
            path, n = folder / f"{slug}-{n}.md", n + 1
        draft = authoring.render_case(answers, vocabulary)
        path.write_text(draft, encoding="utf-8")
        todos = draft.count(f'"{authoring.TODO}:')
        print(f"{source} -> {display_name(path, FsPath.cwd())}: draft with {todos} TODOs to write")
    print(f"Next: replace the TODOs, then run: candour validate {display_name(folder, FsPath.cwd())}")
    return EXIT_INVALID if failed else EXIT_OK


def _stale(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.model import ONGOING, last_updated

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    book = casebook.load(settings.cases_dir, vocabulary, settings.options, root=FsPath.cwd(),
                         vocabulary_file=settings.vocabulary)
    today = args.today or dt.date.today()
    stale = []
    for entry in [*book.cases, *book.drafts]:
        case = entry.case
        if case is None or case.status not in ONGOING:
            continue
        updated = last_updated(case)
        age = (today - updated).days
        if age > args.days:
            stale.append({"file": entry.file, "title": case.title, "status": case.status,
                          "last_updated": updated.isoformat(), "days": age})
    stale.sort(key=lambda item: -int(item["days"]))
    if args.format == "json":
        print(json.dumps({"days": args.days, "today": today.isoformat(), "stale": stale}, indent=2))
    else:
        for item in stale:
            print(f"{item['file']}: {item['status']}, last updated {item['last_updated']} ({item['days']} days ago): "
                  f"{item['title']}")
        print(f"candour: {len(stale)} ongoing case{'s' * (len(stale) != 1)} with no update or review "
              f"in {args.days} days")
    return EXIT_OK


def _report(problems: list[Problem], fmt: str, summary: dict[str, object]) -> None:
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        # GitHub shows only ten annotations per step: the summary table has every message.
        with open(step_summary, "a", encoding="utf-8") as out:
            out.write(markdown_table(problems, summary))
    if fmt != "json":
        summary = {**summary, "line": f"candour: {summary['line']}"}
    print(render(problems, fmt, summary))  # type: ignore[arg-type]


def _init(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from ..tools import scaffold

    if args.name is not None:
        name = args.name
    else:  # from the folder's name, as written: 'housing-network' -> 'Housing network'
        words = args.folder.resolve().name.replace("-", " ").replace("_", " ").strip() or "casebook"
        name = words[0].upper() + words[1:]
    try:
        written = scaffold.create(args.folder, name)
    except scaffold.InitError as exc:
        print(f"candour: {exc}", file=sys.stderr)
        return EXIT_USAGE
    shown = display_name(args.folder, FsPath.cwd())
    print(f"Created the casebook “{name.strip()}” in {shown} ({len(written)} files).\n\nNext steps:\n"
          f"  1. cd {shlex.quote(shown)} && make serve       (the site at http://127.0.0.1:8000)\n"
          "  2. Replace the example in cases/ with your own: candour new\n"
          "  3. make check                     (every case checked, the site built strictly)\n"
          "  4. Put it on GitHub, and turn on Pages (Settings -> Pages -> Source: GitHub Actions).")
    return EXIT_OK


def _issue_form(args: argparse.Namespace, settings: Settings) -> int:
    from ..tools import issue_form

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    print(issue_form.form_yaml(vocabulary), end="")
    return EXIT_OK


def _from_issue(args: argparse.Namespace, settings: Settings) -> int:
    from ..tools import issue_form

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    try:
        body = read_bytes(args.body_file, 65_536).decode("utf-8", errors="replace")  # GitHub's limit is 65,536
    except UnreadableFile as exc:
        print(f"candour: {args.body_file}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        slug, text = issue_form.case_from_issue(body, vocabulary)
    except issue_form.NotAForm as exc:
        print(f"candour: {exc}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    folder = args.dir or settings.cases_dir
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{slug}.md", 2
    while path.exists():
        path, n = folder / f"{slug}-{n}.md", n + 1
    path.write_text(text, encoding="utf-8")
    print(display_name(path, FsPath.cwd()))
    return EXIT_OK


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.model import case_schema

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    print(json.dumps(case_schema(vocabulary), indent=2))
    return EXIT_OK


def _federate(args: argparse.Namespace, settings: Settings) -> int:
    from ..core import network

    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    if not settings.plugin.peers:  # not a fault: the scheduled workflow runs in every casebook
        print("No peers are listed under the candour plugin in mkdocs.yml, so there is nothing to fetch (the "
              "maintainers' guide says how to add one).")
        return EXIT_OK
    if problems := network.mapping_problems(settings, vocabulary):
        print("\n".join(f"candour: {problem}" for problem in problems), file=sys.stderr)
        return EXIT_USAGE
    from ..tools import federate  # HTTP and TLS: imported by the one command that fetches

    reports = federate.federate(settings, vocabulary, timeout=args.timeout, max_bytes=int(args.max_mb * 1e6))
    for report in reports:
        print("\n".join(report.lines()))
    failed = sum(report.outcome == "failed" for report in reports)
    written = sum(report.changed for report in reports)
    folder = display_name(settings.network_dir, FsPath.cwd())
    updated = sum(r.outcome == "updated" for r in reports)
    print(f"{len(reports)} peer{'s' if len(reports) != 1 else ''}: {updated} updated, "
          f"{sum(r.outcome == 'unchanged' for r in reports)} unchanged, {failed} failed; "
          f"{written} snapshot{'s' if written != 1 else ''} written in {folder}")
    return EXIT_INVALID if failed and args.strict else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
