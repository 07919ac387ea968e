"""The table of output parts, and the writer every file of a build passes through."""

from __future__ import annotations

import pytest

from ambitionsgraf import layout
from ambitionsgraf.pipeline import parts
from ambitionsgraf.writer import BuildWriter, DuplicateOutput


def test_every_part_of_one_organisation_holds_files_of_its_own():
    files = [f for name in parts.ORGANISATION_PARTS for f in layout.part_files("norrvik", name)]
    assert len(files) == len(set(files))
    for name in parts.ORGANISATION_PARTS:
        root = layout.PUBLIC if parts.of(name).public else layout.DELIVERY
        assert all(f.startswith(root + "/") for f in layout.part_files("norrvik", name)), name


def test_delivery_parts_are_never_public_and_never_for_published_organisations_only():
    delivery = [p for p in parts.PARTS if not p.public]
    assert [p.name for p in delivery] == ["leverans-pdf", "leverans"]
    assert not any(p.published_only for p in delivery)
    assert all(p.published_only for p in parts.PARTS if p.public)  # rule 4: nothing public of an unpublished one


def test_a_pdf_part_comes_before_the_page_that_links_to_it():
    order = [p.name for p in parts.PARTS]
    for p in parts.PARTS:
        if p.links_pdf is not None:
            assert parts.of(p.links_pdf).needs_pdf and order.index(p.links_pdf) < order.index(p.name)


@pytest.mark.parametrize(
    "relpath, part",
    [
        ("site/organisationer/norrvik/index.html", "site"),
        ("site/data/norrvik.json", "site"),
        ("site/organisationer/norrvik/norrvik.pdf", "site-pdf"),
        ("leverans/norrvik.json", "leverans"),
        ("leverans/norrvik-handlingsplan.csv", "leverans"),
        ("leverans/norrvik-handlingsplan.xlsx", "leverans-pdf"),
        ("leverans/norrvik.pdf", "leverans-pdf"),
    ],
)
def test_an_old_manifests_files_are_sorted_into_their_parts_by_the_layout(relpath, part):
    assert parts.organisation_part_of_file(relpath, "norrvik") == part
    assert relpath in layout.part_files("norrvik", part)


@pytest.mark.parametrize("slug", ["norrvik", "a-handlingsplan", "handlingsplan", "organisationer", "x"])
def test_every_file_of_a_part_is_sorted_into_it_whatever_the_slug(slug):
    for name in parts.ORGANISATION_PARTS:
        for relpath in layout.part_files(slug, name):
            assert parts.organisation_part_of_file(relpath, slug) == name, relpath


def test_a_new_part_is_believed_from_the_manifest_whatever_its_files_are_called(tmp_path, monkeypatch):
    """Adding an output is adding a row and a renderer: a new part's files, named as the layout names
    them (here a summary in the delivery package), are its own when the next build reads the manifest.
    Were they sorted by a guess from the file name, they would land in `leverans` without a key, and
    both parts would be rendered by every build."""
    from ambitionsgraf.pipeline.inputs import previous_parts

    files = layout.part_files
    monkeypatch.setattr(parts, "ORGANISATION_PARTS", (*parts.ORGANISATION_PARTS, "sammanfattning"))
    monkeypatch.setattr(
        layout,
        "part_files",
        lambda slug, part: (f"{layout.DELIVERY}/{slug}-sammanfattning.txt",) if part == "sammanfattning" else files(slug, part),
    )
    row = parts.Part("sammanfattning", parts.ORGANISATION, False, False, False, "the answer file", "orgs", layout.part_files)
    monkeypatch.setattr(parts, "BY_NAME", {**parts.BY_NAME, "sammanfattning": row})
    monkeypatch.setattr(parts, "PARTS", (*parts.PARTS, row))
    manifest = {"orgs": {"a": {name: {"key": name, "files": list(layout.part_files("a", name))} for name in parts.ORGANISATION_PARTS}}}
    for relpath in {f for entry in manifest["orgs"]["a"].values() for f in entry["files"]}:
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text("x")
    believed = previous_parts(tmp_path, manifest)["a"]
    assert {name: (p.key, p.present) for name, p in believed.items()} == {name: (name, True) for name in parts.ORGANISATION_PARTS}


def test_the_writer_refuses_a_file_twice_and_counts_only_what_it_wrote(tmp_path):
    writer = BuildWriter(tmp_path)
    writer.adopt(["site/a/index.html", "site/a/a.pdf"], carried=True)
    writer.put("site/b/index.html", "<p>b</p>")
    assert (writer.pages, writer.pdfs) == (1, 0)
    with pytest.raises(DuplicateOutput):
        writer.adopt(["site/a/index.html"])
    with pytest.raises(DuplicateOutput):
        writer.put("site/b/index.html", "again")
    assert (tmp_path / "site/b/index.html").read_text() == "<p>b</p>"
    assert writer.under("site") == ["a/a.pdf", "a/index.html", "b/index.html"]


def test_every_part_of_an_organisation_says_what_its_key_covers():
    """The planner keys a part on its row (Part.key_of): a row without it could never be planned."""
    for p in parts.PARTS:
        assert (p.key_of is not None) == (p.scope == parts.ORGANISATION), p.name


def test_the_delivery_package_is_every_file_of_the_delivery_parts():
    """What `leverera` checks and archives (archive.package_names, in the register's order) is what the
    build writes into leverans/: a file added to a delivery part must be delivered too."""
    from ambitionsgraf.archive import package_names

    for slug in ("norrvik", "a-handlingsplan"):
        built = {f for p in parts.PARTS if p.scope == parts.ORGANISATION and not p.public for f in layout.part_files(slug, p.name)}
        assert {f"{layout.DELIVERY}/{name}" for name in package_names(slug)} == built


def test_the_parts_of_one_scope_share_one_section_of_the_manifest():
    """The manifest reader (inputs.previous_of) and writer (BuildPlan.manifest) keep one section per scope:
    a row naming another section would be written where it is never read, and rendered by every build."""
    for scope in (parts.ORGANISATION, parts.YEAR, parts.WHOLE):
        assert len({p.manifest for p in parts.PARTS if p.scope == scope}) == 1, scope
