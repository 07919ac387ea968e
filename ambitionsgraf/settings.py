"""The project's settings (installningar.yaml at the project root): the site's address, the
agency's contact details, the accessibility statement's feedback route and review date, and the
open-data licence. Read and checked like an answer file: every mistake is `file:line: field: …`,
all at once, and a build with a bad settings file writes nothing.

The site's address may be left empty. Then nothing the build writes holds an absolute link to
the site (the PDFs and action plans name no address, sitemap.xml is not written, 404.html links
from the domain's root) and the build says so once. `--site-url` overrides the file, which is
how the Pages workflow passes the address GitHub gives it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .problems import ContentError, Problem
from .text import check_free_text, or_list, show
from .yamlsource import MappingNode, Node, ScalarNode, line_of, read_source

FILE_NAME = "installningar.yaml"

MAX_URL = 255
_URL = re.compile(
    r"https?://(?P<host>(?i:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+))(?P<path>/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,}[0-9]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Placeholder hosts that must never reach an output (RFC 2606/6761 names and GitHub's example user).
_PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(com|org|net|github\.io)|example|test|invalid|localhost)$", re.I)


@dataclass(frozen=True)
class Settings:
    site_url: str | None  # absolute, ends in "/"; None: no absolute links to the site anywhere
    publisher: str  # the agency, as it names itself
    publisher_url: str
    email: str  # the agency's contact address
    phone: str | None
    feedback_email: str  # the accessibility statement's feedback route
    reviewed: str  # ISO date the accessibility statement was last reviewed
    licence: str  # the open data's licence, by name
    licence_url: str
    statement_updated: str | None = None  # ISO date the statement's text was last changed; None: on `reviewed`

    @property
    def updated(self) -> str:
        """When the accessibility statement was last updated: never before its last review."""
        return self.statement_updated or self.reviewed

    def with_site_url(self, url: str | None) -> Settings:
        from dataclasses import replace

        return replace(self, site_url=normalise_site_url(url) if url else self.site_url)


def normalise_site_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def url_problem(url: str) -> str | None:
    """Why an address cannot be the site's (or None): absolute http(s) on a plain domain name (no
    user, port, IP address, trailing dot or characters beyond ASCII letters, digits and hyphens;
    IDNA-encode an international name), a path of URL-safe characters, no query or fragment, at
    most MAX_URL characters (Excel drops longer links), and never a placeholder host."""
    if len(url) > MAX_URL:
        return f"expected an address of at most {MAX_URL} characters, got {len(url)}"
    m = _URL.fullmatch(url)
    if not m:
        return f"expected an absolute address such as https://upphandlingsmyndigheten.github.io/ambitionsgraf/, got {show(url)}"
    host = m.group("host")
    if _PLACEHOLDER_HOSTS.search(host) or host.replace(".", "").isdigit():
        return f"expected the real address, got the placeholder host {host}"
    return None


_FIELDS = {
    "webbplats": "the site's address (https://…/), or empty",
    "utgivare": "the agency: namn, webbplats, epost and telefon",
    "tillganglighet": "the accessibility statement: epost (for feedback), granskad (date of the last review) and optionally uppdaterad (date the statement was last changed)",
    "licens": "the open data's licence: namn and url",
}
_REQUIRED = ("utgivare", "tillganglighet", "licens")
_SUB = {
    "utgivare": (("namn", "webbplats", "epost", "telefon"), ("namn", "webbplats", "epost")),
    "tillganglighet": (("epost", "granskad", "uppdaterad"), ("epost", "granskad")),
    "licens": (("namn", "url"), ("namn", "url")),
}


class _Checker:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: Node, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(node), field, message))

    def fields(self, node: Node, field: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.problem(node, field or "file", f"expected {or_list(allowed)} under it")
            return {}
        out: dict[str, Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else "?"
            shown = f"{field}.{name}" if field else name
            if name in out:
                self.problem(key, shown, "given twice; keep one")
            elif name not in allowed:
                self.problem(key, shown, f"unknown key; expected {or_list(allowed)}")
            else:
                out[name] = value
        for name in required:
            if name not in out:
                self.problem(node, f"{field}.{name}" if field else name, "missing")
        return out

    def text(self, node: Node | None, field: str, pattern: re.Pattern | None = None, expected: str = "a text") -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or not node.value.strip():
            self.problem(node, field, f"expected {expected}")
            return None
        value, refusals, _ = check_free_text(node.value.strip(), False)
        for message in refusals:
            self.problem(node, field, message)
        if refusals:
            return None
        if not value.strip():
            self.problem(node, field, f"expected {expected}, got only invisible characters")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.problem(node, field, f"expected {expected}, got {show(value)}")
            return None
        return value

    def date(self, node: Node | None, field: str) -> str | None:
        value = self.text(node, field, _DATE, "a date YYYY-MM-DD")
        if value is None:
            return None
        try:
            date.fromisoformat(value)
        except ValueError:
            self.problem(node, field, f"expected a real date YYYY-MM-DD, got {value}")
            return None
        return value

    def url(self, node: Node | None, field: str) -> str | None:
        value = self.text(node, field, expected="an address starting with https://")
        if value is None:
            return None
        why = url_problem(value)
        if why:
            self.problem(node, field, why)
            return None
        return value


def parse_settings(path: str, data: bytes) -> Settings:
    """The settings in `data`; raises ContentError naming every problem."""
    source, problems = read_source(path, data, "a settings file")
    if problems:
        raise ContentError(problems)
    c = _Checker(path)
    top = c.fields(source.root, "", tuple(_FIELDS), _REQUIRED)
    site_url = None
    if "webbplats" in top:
        node = top["webbplats"]
        if not (isinstance(node, ScalarNode) and node.value.strip() == ""):
            site_url = c.url(node, "webbplats")
            if site_url is not None:
                site_url = normalise_site_url(site_url)
    sub = {}
    for name, (allowed, required) in _SUB.items():
        sub[name] = c.fields(top[name], name, allowed, required) if name in top else {}
    pub, acc, lic = sub["utgivare"], sub["tillganglighet"], sub["licens"]
    publisher = c.text(pub.get("namn"), "utgivare.namn", expected="the agency's name")
    publisher_url = c.url(pub.get("webbplats"), "utgivare.webbplats")
    email = c.text(pub.get("epost"), "utgivare.epost", _EMAIL, "an e-mail address")
    phone = c.text(pub.get("telefon"), "utgivare.telefon", _PHONE, "a telephone number")
    feedback = c.text(acc.get("epost"), "tillganglighet.epost", _EMAIL, "an e-mail address")
    reviewed = c.date(acc.get("granskad"), "tillganglighet.granskad")
    updated = c.date(acc.get("uppdaterad"), "tillganglighet.uppdaterad")
    if reviewed is not None and updated is not None and updated < reviewed:
        c.problem(
            acc["uppdaterad"],
            "tillganglighet.uppdaterad",
            f"expected a date on or after granskad ({reviewed}): the statement shows its last review, so it changes with it; got {updated}",
        )
    licence = c.text(lic.get("namn"), "licens.namn", expected="the licence's name, e.g. CC0 1.0")
    licence_url = c.url(lic.get("url"), "licens.url")
    if c.problems or None in (publisher, publisher_url, email, feedback, reviewed, licence, licence_url):
        raise ContentError(c.problems or [Problem(path, 1, "file", "incomplete")])
    return Settings(site_url, publisher, publisher_url, email, phone, feedback, reviewed, licence, licence_url, updated)


def load_settings(path: Path, shown: str | None = None) -> tuple[Settings, bytes]:
    """The settings file and its bytes (for the build's fingerprint); ContentError if absent or bad."""
    from .safe_read import MAX_YAML, read_or_refuse

    shown = shown or path.name
    if not os.path.lexists(path):
        raise ContentError([Problem(shown, 1, "file", f"missing; the project needs its settings file {FILE_NAME} (see the README)")])
    data = read_or_refuse(path, shown, "file", MAX_YAML, "a settings file")  # a pipe or /dev/zero: refused unopened
    return parse_settings(shown, data), data
