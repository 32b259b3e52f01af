"""The `candour` command: a thin adapter over the core, which CI relies on.

Exit codes: 0 every case is valid, 1 a case (or the vocabulary) has errors, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path as FsPath

from . import casebook
from .loader import read_case
from .model import case_schema
from .problems import FORMATS, Problem, render
from .settings import ConfigError, Settings, load_settings
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"candour: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return int(args.run(args, settings))


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
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of a case's front-matter")
    schema.set_defaults(run=_schema)
    return parser


def _vocabulary(settings: Settings, fmt: str) -> Vocabulary | None:
    try:
        return load_vocabulary(settings.vocabulary, casebook.display_name(settings.vocabulary, settings.root))
    except VocabularyError as exc:
        _report(exc.problems, fmt, {"line": "the vocabulary file has errors; no case was checked"})
        return None


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    vocabulary = _vocabulary(settings, args.format)
    if vocabulary is None:
        return EXIT_INVALID
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"candour: no such file or folder: {path}", file=sys.stderr)
        return EXIT_USAGE
    book = casebook.Casebook()
    for folder in [p for p in args.paths if p.is_dir()] or ([] if args.paths else [settings.cases_dir]):
        _merge(book, casebook.load(folder, vocabulary, settings.options, root=FsPath.cwd(),
                                   vocabulary_file=settings.vocabulary))
    files = [p for p in args.paths if p.is_file()]
    options = settings.options
    if files:  # an anonymised case is checked against the organisations every other case names
        others = [read_case(p, p.name) for p in sorted(settings.cases_dir.glob("*.md"))] + \
                 [read_case(p, p.name) for p in files]
        options = casebook.with_organisations(options, others)
    for path in files:
        entry = casebook.check_file(path, vocabulary, options, FsPath.cwd())
        book.checked += 1
        book.problems.extend(entry.problems)
        if entry.case is not None:
            (book.drafts if entry.case.draft else book.cases).append(entry)
    _report(book.problems, args.format, book.summary())
    return EXIT_INVALID if book.errors else EXIT_OK


def _merge(into: casebook.Casebook, other: casebook.Casebook) -> None:
    into.cases += other.cases
    into.drafts += other.drafts
    into.problems += other.problems
    into.checked += other.checked


def _report(problems: list[Problem], fmt: str, summary: dict[str, object]) -> None:
    if fmt != "json":
        summary = {**summary, "line": f"candour: {summary['line']}"}
    print(render(problems, fmt, summary))  # type: ignore[arg-type]


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    vocabulary = _vocabulary(settings, "text")
    if vocabulary is None:
        return EXIT_INVALID
    print(json.dumps(case_schema(vocabulary), indent=2))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
