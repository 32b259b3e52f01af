"""Contributor tooling: candour new, candour import, candour stale and validate --changed-since."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from candour.core import rules
from candour.core.loader import parse_case
from candour.core.rules import text_values
from candour.core.validation import check_source
from candour.core.vocabulary import Vocabulary
from candour.tools import authoring
from candour.tools.authoring import import_post, render_case, strip_template_tags
from tests.conftest import ROOT, good, write_case

from .test_cli import run, site  # noqa: F401  (the fixture)

REAL_POSTS = sorted((ROOT.parent / "shared" / "data" / "real-posts").glob("*/[0-9]*.md"))


def todo_paths(front_matter: dict) -> set[tuple]:
    """Every field of a draft that still says TODO."""
    paths = {path for path, text in text_values(front_matter) if "TODO" in text}
    for name, value in front_matter.items():
        if isinstance(value, str) and "TODO" in value:
            paths.add((name,))
        if isinstance(value, list):
            paths |= {(name, i) for i, item in enumerate(value) if isinstance(item, str) and "TODO" in item}
    return paths


def test_new_writes_a_case_that_fails_until_the_todos_are_written(site: Path) -> None:  # noqa: F811
    result = run(site, "new", "--title", "Shared triage for housing referrals", "--status", "completed",
                 "--region", "london", "--service", "housing", "--theme", "workforce,funding", "--no-input")
    assert result.returncode == 0, result.stderr
    path = site / "cases" / "shared-triage-for-housing-referrals.md"
    assert "Next steps" in result.stdout and "candour validate cases/shared-triage-for-housing-referrals.md" in \
        result.stdout
    checked = run(site, "validate")
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()[:-1]
    story = [line for line in lines if ": C106 the story still has a placeholder ('TODO: the story" in line]
    fields = {line.split(": ")[1].split(" ", 1)[1] for line in lines if line not in story}
    assert fields == {"summary", "started", "ended", "place", "attribution", "organisations[0]", "setbacks[0].what",
                      "setbacks[0].why", "setbacks[0].impact", "setbacks[0].response", "do_differently[0]"}
    assert len(story) == 1  # the story's own TODO, on its line
    # Writing the TODOs makes it valid.
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---")[1])
    data.update(good(title=data["title"], status="completed", region="london", services=["housing"],
                     themes=["workforce", "funding"], published=data["published"]))
    path.write_text("---\n" + yaml.safe_dump(data, sort_keys=False) + "---\nThe story.\n", encoding="utf-8")
    assert run(site, "validate").returncode == 0


def test_new_refuses_to_overwrite(site: Path) -> None:  # noqa: F811
    args = ("new", "--title", "Shared triage for housing referrals", "--no-input")
    assert run(site, *args).returncode == 0
    again = run(site, *args)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_new_asks_in_a_terminal(site: Path) -> None:  # noqa: F811
    """Answers typed at the prompts, one of them a typo that gets a 'did you mean'."""
    script = ("import sys, builtins; sys.stdin.isatty = lambda: True; "
              "answers = iter(['Shared triage for housing referrals', 'in-progress', 'Harrowfield', 'londn', "
              "'london', 'housing', 'workforce', 'named', 'Harrowfield Council']); "
              "builtins.input = lambda prompt='': (print(prompt, end=''), next(answers))[1]; "
              "from candour.adapters.cli import main; sys.exit(main(['new']))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run([sys.executable, "-c", script], cwd=site, capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "'londn' is not allowed: did you mean 'london'?" in result.stdout
    data = yaml.safe_load((site / "cases" / "shared-triage-for-housing-referrals.md").read_text().split("---")[1])
    assert (data["status"], data["region"], data["place"]) == ("in-progress", "london", "Harrowfield")
    assert data["organisations"] == ["Harrowfield Council"]


@pytest.mark.corpus  # outside data: `make corpora`, which needs ../shared, not `make test`
def test_import_every_real_post(vocabulary: Vocabulary) -> None:
    assert len(REAL_POSTS) == 60, "../shared/data/real-posts should hold the 60 real posts"
    links_to_templates = 0
    for post in REAL_POSTS:
        text = post.read_text(encoding="utf-8")
        slug, answers = import_post(text, vocabulary, post.stem)
        draft = render_case(answers, vocabulary)
        source = parse_case(draft.encode(), f"{slug}.md")
        assert source.front_matter is not None, (post.name, source.problems)
        original = yaml.safe_load(text.split("---")[1])
        assert source.front_matter["title"] == " ".join(html.unescape(str(original["title"])).split()), post.name
        date = str(original.get("date") or post.name[:10])  # Jekyll and Eleventy: the file name's date
        assert str(source.front_matter["published"]) == re.match(r"\d{4}-\d{2}-\d{2}", date)[0], post.name
        assert source.front_matter["draft"] is True
        assert not re.search(r"\{\{[<%]|\{%|\{\{", source.body), (post.name, "template tags left in the body")
        _, problems = check_source(source, vocabulary, rules.Options())
        errors = {p.path for p in problems if p.severity == "error" and p.path}
        assert errors == todo_paths(source.front_matter), (post.name, [p.text() for p in problems][:4])
        assert {("setbacks", 0, "what"), ("do_differently", 0)} <= errors
        # In the story, the only errors are the markers left for links whose address was a template tag.
        story = [p for p in problems if p.severity == "error" and not p.path]
        marked = [i for i, line in enumerate(source.body.split("\n")) if "[TODO: " in line]
        assert all(p.code == "C106" and "[TODO: " in p.message for p in story), (post.name, story[:2])
        assert [p.line - source.body_line for p in story] == marked[:10], post.name
        links_to_templates += len(marked)
    assert links_to_templates > 0  # the 18F posts link with '{{ "/path/" | url }}'


def test_import_leaves_a_reported_marker_for_links_whose_address_was_a_template_tag(vocabulary: Vocabulary) -> None:
    post = ("---\ntitle: What we learned from our pilot\ndate: 2019-05-04\n---\n"
            'We wrote about [the FEC work]({{ "/2017/05/30/the-new-fec/" | url }}) before.\n\n'
            "![A chart of referrals]({{ site.baseurl }}/assets/img/chart.png)\n\n"
            'See [the guide]({{< ref "guide.md" >}}), [a page]({% link _pages/a.md %}) and [ours](https://example.org/x).\n')
    _, answers = import_post(post, vocabulary, "post")
    draft = render_case(answers, vocabulary)
    assert "[ours](https://example.org/x)" in draft and "]()" not in draft
    assert "the FEC work [TODO: link to /2017/05/30/the-new-fec/:" in draft
    assert "[TODO: image A chart of referrals (/assets/img/chart.png):" in draft
    assert "the guide [TODO: link to guide.md:" in draft and "a page [TODO: link to _pages/a.md:" in draft
    source = parse_case(draft.encode(), "cases/post.md")
    _, problems = check_source(source, vocabulary, rules.Options())
    story = [p for p in problems if not p.path]
    lines = draft.split("\n")
    assert [(p.code, lines[p.line - 1].startswith(("We wrote", "[TODO: image", "See the guide"))) for p in story] == \
        [("C106", True)] * 3


def test_import_strips_template_tags_and_keeps_text() -> None:
    text = ('Intro {{< img src="x.png" >}} and {{< note >}}kept words{{< /note >}} '
            '{% image "a.png", "alt" %} {{ page.url }} {{% md %}}more{{% /md %}} end')
    assert strip_template_tags(text) == "Intro  and kept words   more end"


def test_import_command_writes_drafts(site: Path) -> None:  # noqa: F811
    post = site / "post.md"
    post.write_text("---\ntitle: What we learned from our pilot\ndate: 2019-05-04\ntags: [procurement]\n---\n"
                    "Some text {{< shortcode >}}.\n", encoding="utf-8")
    result = run(site, "import", "post.md")
    assert result.returncode == 0, result.stderr
    assert "post.md -> cases/what-we-learned-from-our-pilot.md: draft with" in result.stdout
    draft = (site / "cases" / "what-we-learned-from-our-pilot.md").read_text(encoding="utf-8")
    assert 'themes: ["procurement"]' in draft and "draft: true" in draft and "shortcode" not in draft
    assert run(site, "import", "post.md").stdout.count("what-we-learned-from-our-pilot-2.md") == 1


def test_stale_lists_ongoing_cases_without_recent_updates(site: Path) -> None:  # noqa: F811
    write_case(site / "cases", "old-one.md", good(status="in-progress", ended=None, published="2024-01-01"))
    write_case(site / "cases", "fresh-one.md", good(status="paused", ended=None, published="2024-01-01",
                                                    updates=[{"date": "2026-10", "note": "Back on track again."}]))
    write_case(site / "cases", "done-one.md", good(published="2020-01-01"))
    result = run(site, "stale", "--days", "90", "--today", "2026-11-26")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "cases/old-one.md: in-progress, last updated 2024-01-01 (1060 days ago): A shared referral form for early help",
        "candour: 1 ongoing case with no update or review in 90 days",
    ]
    report = json.loads(run(site, "stale", "--days", "20", "--format", "json", "--today", "2026-11-26").stdout)
    assert [item["file"] for item in report["stale"]] == ["cases/old-one.md", "cases/fresh-one.md"]


def test_validate_changed_since_checks_only_changed_files(site: Path) -> None:  # noqa: F811
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=site, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    write_case(site / "cases", "old-broken.md", good(setbacks=None))
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    write_case(site / "cases", "new-broken.md", good(do_differently=None))
    write_case(site / "cases", "new-good.md")
    result = run(site, "validate", "--changed-since", "HEAD")
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["cases/new-broken.md"]
    assert result.stdout.splitlines()[-1].startswith("candour: 2 files checked: 1 published, 0 drafts, 1 with errors")
    (site / "cases" / "new-broken.md").unlink()
    assert run(site, "validate", "--changed-since", "HEAD").returncode == 0
    assert run(site, "validate", "--changed-since", "no-such-ref").returncode == 2


def test_validate_changed_since_compares_with_the_merge_base(site: Path) -> None:  # noqa: F811
    """When main has moved on since the branch left it, main's changes are not the branch's."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=site, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "contribution")
    write_case(site / "cases", "my-case.md")
    git("add", ".")
    git("commit", "-qm", "my case")
    git("checkout", "-q", "main")
    write_case(site / "cases", "main-moved-on.md", good(setbacks=None))
    git("add", ".")
    git("commit", "-qm", "main moved on")
    git("checkout", "-q", "contribution")
    result = run(site, "validate", "--changed-since", "main")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("candour: 1 file checked: 1 published")


def test_a_cross_case_clash_is_reported_on_the_pull_request_that_causes_it(site: Path, tmp_path: Path) -> None:  # noqa: F811
    """A named case that adds an organisation an untouched anonymised case mentions: blamed on the new case."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=site, check=True,
                       capture_output=True)

    anonymised = good(attribution="anonymised", described_as="A district council in the north of England")
    del anonymised["organisations"]
    write_case(site / "cases", "anonymous.md", anonymised,
               body="We borrowed the form that Seaport Borough Council had used the year before.\n")
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-qm", "base")
    assert run(site, "validate").returncode == 0  # nobody names Seaport Borough Council yet
    git("checkout", "-qb", "contribution")
    path = write_case(site / "cases", "seaport.md", good(organisations=["Seaport Borough Council"]))
    git("add", ".")
    git("commit", "-qm", "a named case")
    summary = tmp_path / "summary.md"
    result = run(site, "validate", "--changed-since", "main", "--format", "github",
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1, result.stdout
    [annotation] = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    line = path.read_text(encoding="utf-8").splitlines().index("- Seaport Borough Council") + 1
    assert annotation.startswith(f"::error file=cases/seaport.md,line={line},title=Candour C302%3A organisations[0]::")
    mention = (site / "cases" / "anonymous.md").read_text(encoding="utf-8").splitlines().index(
        "We borrowed the form that Seaport Borough Council had used the year before.") + 1
    assert "cases/anonymous.md" in annotation and f"(line {mention})" in annotation
    assert result.stdout.splitlines()[-1].startswith("candour: 1 file checked: 0 published, 0 drafts, 1 with errors")
    table = summary.read_text(encoding="utf-8")
    assert "cases/seaport.md" in table and "cases/anonymous.md" in table and "C302" in table
    # Another case on main that already names it means this pull request does not cause the clash.
    git("checkout", "-q", "main")
    write_case(site / "cases", "older.md", good(organisations=["Seaport Borough Council"]))
    git("add", ".")
    git("commit", "-qm", "older named case")
    git("checkout", "-q", "contribution")
    git("merge", "-q", "main")
    assert "C302" not in run(site, "validate", "--changed-since", "main").stdout


HUGO_TOML = '''+++
title = "Moving repairs reporting online"
date = 2024-03-05T09:00:00Z
tags = ["digital systems", "housing"]
authors = ["jo-bloggs"]
+++

We moved repairs reporting online.
'''


def test_import_reads_hugo_toml_front_matter(vocabulary: Vocabulary) -> None:
    slug, answers = authoring.import_post(HUGO_TOML, vocabulary, "repairs")
    assert slug == "moving-repairs-reporting-online"
    assert answers.title == "Moving repairs reporting online" and answers.published == "2024-03-05"
    assert "housing" in answers.services and "+++" not in answers.body and "We moved" in answers.body


@pytest.mark.parametrize("broken", ['+++\ntitle = "unclosed\n+++\nText\n', "---\ntitle: [unclosed\n---\nText\n"])
def test_import_says_when_front_matter_cannot_be_read(site: Path, broken: str) -> None:  # noqa: F811
    post = site / "post.md"
    post.write_text(broken, encoding="utf-8")
    result = run(site, "import", str(post))
    assert result.returncode == 1 and "front-matter cannot be read" in result.stderr, result
    assert sorted(p.name for p in (site / "cases").glob("*.md")) == []


def test_new_with_answers_piped_in_says_it_did_not_read_them(site: Path) -> None:  # noqa: F811
    result = subprocess.run([sys.executable, "-m", "candour.adapters.cli", "new"], cwd=site, input="My title\nlondon\n",
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "answers piped in are not read" in result.stderr
