"""What the law on accessible public websites asks of the site as a whole: an accessibility statement
by the EU model (Commission Implementing Decision (EU) 2018/1523, as Digg applies it) filled from
the settings file, and pages a reader can find, tell apart and navigate."""

from __future__ import annotations

import re
import shutil

import pytest

from ambitionsgraf.content import load_guidance, tel_uri
from ambitionsgraf.problems import ContentError
from ambitionsgraf.settings import FILE_NAME

from .conftest import ROOT, run_build

GOOD = (ROOT / FILE_NAME).read_text(encoding="utf-8")
DIGG_FORM = "https://www.digg.se/tdosanmalan"


@pytest.fixture(scope="module")
def statement(tmp_path_factory):
    """The statement built with a settings file of other values, some with characters HTML must escape."""
    tmp = tmp_path_factory.mktemp("statement")
    settings = tmp / "installningar.yaml"
    changed = (GOOD.replace("  epost: registrator@uhmynd.se\n  granskad: 2026-11-29\n  uppdaterad: 2026-11-29\n",
                            "  epost: tillganglighet&synpunkter@uhmynd.se\n  granskad: 2027-03-05\n  uppdaterad: 2027-03-08\n")
               .replace("  namn: Upphandlingsmyndigheten\n", "  namn: Upphandlingsmyndigheten <UHM>\n")
               .replace("  telefon: 08-586 217 00\n", "  telefon: 08-123 45 67\n"))
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
    for heading in ("Tillgänglighet för Ambitionsgrafen", "Hur tillgänglig är webbplatsen?",
                    "Vad kan du göra om du inte kan använda delar av webbplatsen?",
                    "Rapportera brister i webbplatsens tillgänglighet", "Tillsyn",
                    "Teknisk information om webbplatsens tillgänglighet", "Innehåll som inte är tillgängligt",
                    "Bristande förenlighet med lagkraven", "Oskäligt betungande anpassning",
                    "Innehåll som inte omfattas av lagkraven", "Hur vi testat webbplatsen"):
        assert heading in headings, heading
    assert "<strong>delvis förenlig</strong>" in statement  # the compliance status, in the model's words
    assert "(självskattning)" in statement  # how it was assessed


@pytest.mark.parametrize("written, uri", [
    ("08-586 217 00", "tel:+46858621700"),
    ("+46 (0)8 586 217 00", "tel:+46858621700"),
    ("0046 8 586 217 00", "tel:+46858621700"),
    ("020-12 34 56", "tel:+4620123456"),
])
def test_a_swedish_telephone_number_becomes_an_international_tel_link(written, uri):
    assert tel_uri(written) == uri


@pytest.mark.parametrize("folder, text, expected", [
    ("sidor/tillganglighet.md", "Skriv till {{ tillganglighet.epsot }}.",
     "{{ tillganglighet.epsot }}: unknown placeholder; expected one of utgivare.namn, "),
    ("sidor/tillganglighet.md", "Kontakta oss: {{ tillganglighet.kontakt }}",
     "{{ tillganglighet.kontakt }}: a list of its own: write it alone on a line"),
    ("sidor/tillganglighet.md", "Kontakta oss:\n{{ tillganglighet.kontakt }}",  # no empty line: one paragraph
     "{{ tillganglighet.kontakt }}: a list of its own: write it alone on a line"),
    ("sidor/tillganglighet.md", "[Skriv](mailto:{{ tillganglighet.epost }})",
     "{{: a placeholder in a link's address or in HTML; write it in the text"),
    ("sidor/tillganglighet.md", "Skriv till {{tillganglighet.epost}.",
     "{{: expected a placeholder written {{ name }}"),
    ("vagledning/orientering.md", "Frågor? {{ tillganglighet.epost }}",
     "{{: placeholders for the settings work only in the pages of content/sidor"),
])
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
