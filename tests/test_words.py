"""Small words: counts in the right number, no internal id shown to a reader, a question's text once
on its guidance page, and help and README texts that are true for a clone of the project alone."""

from __future__ import annotations

import html
import re

import pytest

from ambitionsgraf.text import count, plural

from .conftest import ROOT, run_cli


@pytest.mark.parametrize(
    "n,one,many,expected",
    [
        (0, "PDF", None, "0 PDFs"),
        (1, "PDF", None, "1 PDF"),
        (2, "PDF", None, "2 PDFs"),
        (1, "change", None, "1 change"),
        (3, "change", None, "3 changes"),
        (1, "entry", "entries", "1 entry"),
        (12, "entry", "entries", "12 entries"),
        (1000, "file", None, "1000 files"),
    ],
)
def test_plural_puts_the_command_lines_nouns_in_the_right_number(n, one, many, expected):
    assert plural(n, one, many) == expected


def test_count_does_the_same_for_the_pages_swedish():
    assert [count(n, "organisation", "organisationer") for n in (0, 1, 2)] == ["0 organisationer", "1 organisation", "2 organisationer"]


def _main_text(page: str) -> str:
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_guidance_pages_show_no_internal_id_and_each_question_once(example_build):
    ins_ids = re.compile(r"\b(?:v[123]|h)_[a-z_]+\b")
    pages = sorted((example_build / "site" / "vagledning").glob("*/index.html"))
    assert len(pages) >= 12
    for path in pages:
        page = path.read_text(encoding="utf-8")
        text = _main_text(page)
        assert not ins_ids.search(text), (path, ins_ids.search(text))
        listed = re.findall(r'<li><span class="qno">\d+\.</span> (.*?)</li>', page)
        assert listed, path
        for question in listed:
            words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", question)).split())
            assert text.count(words) == 1, (path, words)  # not also quoted in the page's own text


def test_import_help_names_every_format_it_reads():
    result = run_cli("import", "--help")
    said = " ".join(result.stdout.split())
    for fmt in (".xlsx", "Microsoft Forms", ".csv", "Google Forms' commas", "semicolons", "Windows-1252", "self-assessment .yaml"):
        assert fmt in said, fmt


def test_the_readme_sends_no_one_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "../" not in re.sub(r"\(\.\./[a-z_-]+/\)", "", readme.split("## For developers")[0])  # only the site's own relative links
