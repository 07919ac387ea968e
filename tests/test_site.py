"""The site as a whole: every internal link and anchor resolves, addresses, sitemap, workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import yaml

from .conftest import ROOT


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src"):
            if a.get(attr) and not (tag == "link" and a.get("rel") == "canonical"):
                self.links.append(a[attr])


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _target(site: Path, page: Path, link: str) -> tuple[Path, str]:
    url, fragment = urldefrag(link)
    base = page.parent
    target = (base / unquote(url)).resolve() if url else page
    if target.is_dir():
        target = target / "index.html"
    return target, fragment


def test_no_broken_internal_link_or_anchor(example_build):
    site = (example_build / "site").resolve()
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    assert len(pages) >= 25
    parsed = {p: _parse(p) for p in pages}
    broken = []
    for page, links in parsed.items():
        for link in links.links:
            if urlsplit(link).scheme or link.startswith("//"):
                continue
            assert not link.startswith("/"), f"{page.relative_to(site)}: root-absolute link {link} breaks under a sub-path"
            target, fragment = _target(site, page, link)
            if not target.is_file() or site not in target.parents:
                broken.append(f"{page.relative_to(site)} → {link}")
            elif fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if fragment not in ids:
                    broken.append(f"{page.relative_to(site)} → {link} (no such anchor)")
    assert broken == []


def test_the_menu_marks_the_section_a_page_is_in_and_nothing_else(example_build):
    site = example_build / "site"
    expected = {
        "index.html": "Start",
        "oversikt/index.html": "Nationell översikt",
        "vagledning/index.html": "Vägledning",
        "metod/index.html": "Metod",
        "organisationer/norrvik/index.html": None,  # an organisation's page is in no section of the menu
    }
    for rel, label in expected.items():
        html = (site / rel).read_text(encoding="utf-8")
        menu = html[html.index("<nav") : html.index("</nav>")]
        marked = [m.split(">", 1)[1].split("<", 1)[0] for m in menu.split("<a ")[1:] if 'aria-current="page"' in m.split(">", 1)[0]]
        assert marked == ([label] if label else []), rel


def test_readable_swedish_addresses_and_sitemap(example_build):
    site = example_build / "site"
    for path in (
        "vagledning/orientering/index.html",
        "metod/index.html",
        "organisationer/norrvik/index.html",
        "om-ambitionsgrafen/index.html",
        "tillganglighet/index.html",
        "begrepp/index.html",
        "404.html",
    ):
        assert (site / path).is_file(), path
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://upphandlingsmyndigheten.github.io/ambitionsgraf/vagledning/orientering/</loc>" in sitemap
    assert sitemap.count("<loc>") == len(list(site.rglob("index.html")))


def test_every_step_and_zone_has_a_page_and_three_suggestions(instrument):
    from ambitionsgraf.content import load_guidance

    guidance = load_guidance(instrument, ROOT / "content")
    for step in instrument.steps:
        page = guidance.steps[step.id]
        assert len(page.html) > 1000, step.id
        for status in instrument.statuses:
            assert len(page.suggestion(status.id)) > 80, (step.id, status.id)


def test_guidance_page_shows_its_questions_and_suggestions(example_build, instrument):
    html = (example_build / "site" / "vagledning" / "uppfoljning" / "index.html").read_text()
    for q in instrument.questions_of_step("uppfoljning"):
        assert q.text.replace(":", "") in html.replace(":", "")
    for status in instrument.statuses:
        assert status.label in html


def test_method_page_is_generated_from_the_instrument(example_build, instrument):
    html = (example_build / "site" / "metod" / "index.html").read_text()
    for q in instrument.questions:
        assert q.id in html
    assert "Σ (vikt × poäng) / 5" in html and "Σ poäng / 4" in html
    assert "0,8–3,8" in html and "0,9–4,0" in html  # the report's own ranges, computed from the weights
    assert "Tolkningar där rapporten inte säger något" in html


def test_missing_guidance_is_a_content_error(tmp_path, instrument):
    from ambitionsgraf.content import load_guidance
    from ambitionsgraf.problems import ContentError

    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "vagledning" / "kunskap.md").unlink()
    text = (tmp_path / "content" / "vagledning" / "orientering.md").read_text().replace("  delvis:", "  halvvags:")
    (tmp_path / "content" / "vagledning" / "orientering.md").write_text(text)
    with pytest.raises(ContentError) as err:
        load_guidance(instrument, tmp_path / "content")
    messages = [str(p) for p in err.value.problems]
    assert any("kunskap.md:1: file: missing" in m for m in messages)
    assert any("orientering.md:2: forslag.delvis: missing" in m for m in messages)


def test_pages_workflow_passes_actionlint():
    actionlint = Path(sys.executable).parent / "actionlint"
    result = subprocess.run([str(actionlint), str(ROOT / ".github" / "workflows" / "pages.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "actions/deploy-pages" in text and "run: make" in text


def _condition(expression: str, private, visibility) -> bool:
    """A step's `if:` as GitHub Actions evaluates it, for the few operators a guard needs
    (==, !=, ||, &&, !, literals and the repository's two fields); anything else fails the test."""
    expression = expression.strip().removeprefix("${{").removesuffix("}}")
    names = {"github.event.repository.private": private, "github.event.repository.visibility": visibility}
    tokens = re.findall(r"github(?:\.\w+)+|'[^']*'|true|false|null|==|!=|\|\||&&|!|\(|\)|\S", expression)
    python = []
    for t in tokens:
        if t in names:
            python.append(repr(names[t]))
        elif t.startswith("'") or t in ("==", "!=", "(", ")"):
            python.append(t)
        else:
            python.append({"true": "True", "false": "False", "null": "None", "||": "or", "&&": "and", "!": "not"}[t])
    return bool(eval(" ".join(python), {"__builtins__": {}}))


def test_pages_workflow_refuses_a_repository_that_is_not_private_before_building():
    """A contract test: without GitHub, what can be checked is that the guard is there, first, and
    that its condition, read as Actions reads it, stops every repository but a private one."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    guard = steps[0]
    assert "private" in guard["name"] and guard["run"].rstrip().endswith("exit 1")
    assert "github.event.repository.private" in guard["if"] and "github.event.repository.visibility" in guard["if"]
    assert "${{" not in guard["run"]  # values reach the script as environment variables, never pasted into it
    assert _condition(guard["if"], False, "public")  # the step runs, and fails the job
    assert _condition(guard["if"], True, "internal")  # every member of the enterprise could read orgs/
    assert _condition(guard["if"], None, None)  # a payload without the fields: fail closed
    assert not _condition(guard["if"], True, "private")
    build = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("make "))
    assert 'SITE_URL="${{ steps.pages.outputs.base_url }}/"' in steps[build]["run"]  # the address, as before
    checkout = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/checkout"))
    assert 0 < checkout < build  # the guard comes before the code is even checked out
    assert workflow["jobs"]["deploy"]["needs"] == "build"  # a failed guard deploys nothing


def test_pages_workflow_grants_publishing_to_the_deploy_job_only_and_pins_every_action_by_commit():
    path = ROOT / ".github" / "workflows" / "pages.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    publishing = {"pages": "write", "id-token": "write"}
    top = workflow.get("permissions") or {}
    assert not any(top.get(k) == v for k, v in publishing.items())  # nothing above the jobs may publish
    for name, job in workflow["jobs"].items():
        granted = {k: v for k, v in (job.get("permissions") or {}).items() if publishing.get(k) == v}
        assert granted == (publishing if name == "deploy" else {}), name
        assert "permissions" in job, name  # each job says what it gets, so none inherits a default token
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(uses) == 5
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action  # a tag can be moved; a commit cannot
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), action  # the tag it was, for the reader and for updates
