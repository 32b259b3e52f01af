"""The Problem record and its output formats (text, GitHub annotations, JSON).

Every check in Candour reports through this one record so that the CLI, the MkDocs
plugin and the tests all print the same located, actionable message:

    cases/<file>.md:<line>: <code> <field path>: <what is wrong> (<how to fix it>)

The code (see `codes.py`) is stable, explained on the site's reference page, and what a waiver names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path as FsPath
from typing import Literal

#: "waived": an error a case waives, with its reason (see `waivers.py`); it does not block.
Severity = Literal["error", "warning", "waived"]
Path = tuple[str | int, ...]

#: Longest piece of user input quoted back in a message: messages never echo an unbounded input.
QUOTE_LIMIT = 60


def quote(value: object) -> str:
    """Quote a piece of user input for a message, shortened to `QUOTE_LIMIT` characters."""
    try:
        text = str(value)
    except ValueError:  # an integer too long to write out
        text = "a number too long to show"
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1] + "…"
    return repr(text) if "'" not in text else '"' + text.replace('"', '\\"') + '"'


def format_path(path: Sequence[str | int]) -> str:
    """`("setbacks", 1, "what")` -> `setbacks[1].what`; an empty path is the file itself."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part) if len(str(part)) <= QUOTE_LIMIT else str(part)[: QUOTE_LIMIT - 1] + "…"
            out += f".{name}" if out else name
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in one file."""

    file: str
    line: int
    path: Path
    message: str
    hint: str = ""
    severity: Severity = "error"
    code: str = ""

    @property
    def field(self) -> str:
        return format_path(self.path)

    def text(self) -> str:
        where = f"{self.file}:{self.line}: "
        field = f"{self.field}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        code = f"{self.code} " if self.code else ""
        return f"{where}{prefix}{code}{field}{self.message}{hint}"

    def github(self) -> str:
        title = " ".join(filter(None, ("Candour", self.code))) + (f": {self.field}" if self.path else "")
        props = f"file={_gh_property(self.file)},line={self.line},title={_gh_property(title)}"
        body = f"{self.field}: {self.message}" if self.path else self.message
        if self.hint:
            body += f" ({self.hint})"
        level = {"error": "error", "warning": "warning", "waived": "notice"}[self.severity]
        if self.severity == "waived":
            body = "waived: " + body
        return f"::{level} {props}::{_gh_data(body)}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["path"] = list(self.path)
        data["field"] = self.field
        return data


def _gh_data(text: str) -> str:
    # The escaping GitHub's workflow-command parser expects for a message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


Format = Literal["text", "github", "json"]
FORMATS: tuple[Format, ...] = ("text", "github", "json")


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line, problem.field)


def render(problems: Iterable[Problem], fmt: Format, summary: dict[str, object] | None = None) -> str:
    """Render problems in one of `FORMATS`; text and github end with the summary line."""
    ordered = sorted(problems, key=sort_key)
    if fmt == "json":
        return json.dumps(
            {"problems": [p.as_dict() for p in ordered], "summary": summary or {}},
            indent=2,
            ensure_ascii=False,
        )
    lines = [p.github() if fmt == "github" else p.text() for p in ordered]
    if summary is not None:
        lines.append(str(summary["line"]))
    return "\n".join(lines)


def markdown_table(problems: Iterable[Problem], summary: dict[str, object]) -> str:
    """Every problem as a Markdown table, for a CI run's summary page."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    ordered = sorted(problems, key=sort_key)
    waived = [p for p in ordered if p.severity == "waived"]
    shown = [p for p in ordered if p.severity != "waived"]
    lines = ["## Candour: case check", "", str(summary["line"]), ""]
    if shown:
        lines += ["| File | Line | Code | Field | Problem | How to fix it |", "|---|---|---|---|---|---|"]
        lines += [f"| {cell(p.file)} | {p.line} | {p.code or '-'} | {cell(p.field) or '-'} | "
                  f"{'warning: ' if p.severity == 'warning' else ''}{cell(p.message)} | {cell(p.hint)} |"
                  for p in shown]
    if waived:
        # Reviewers see every waiver, with its reason, before they approve.
        lines += ["", f"### Waivers ({len(waived)})", "",
                  "Each of these would be an error; the case waives it, with the reason given. Read each one.", "",
                  "| File | Line | Code | Field | Rule's message | Reason given |", "|---|---|---|---|---|---|"]
        lines += [f"| {cell(p.file)} | {p.line} | {p.code} | {cell(p.field) or 'story'} | {cell(p.message)} | "
                  f"{cell(p.hint.removeprefix('waived: '))} |" for p in waived]
    return "\n".join(lines) + "\n\n"


def display_name(path: FsPath, root: FsPath | None) -> str:
    """How a file is named in messages: relative to the project root, with forward slashes."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
        try:  # resolved only when needed: it costs a system call per folder of the path
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
