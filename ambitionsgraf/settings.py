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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, field_validator

from . import schema
from .problems import ContentError, Problem
from .schema import Strict
from .text import ISO_DATE, check_free_text, iso_date, show

FILE_NAME = "installningar.yaml"

MAX_URL = 255
_URL = re.compile(
    r"https?://(?P<host>(?i:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+))(?P<path>/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,}[0-9]")
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


# -- the file's schema, declared once (installningar.yaml as written) ------------------------------
# Every value reaches these models as the text the file holds (schema.parse): each field's validator
# checks that text, and its message is the one the build prints after `file:line: field:`.


def _text(value: Any, expected: str, pattern: re.Pattern | None = None) -> str:
    """Free text as the file writes it, stripped; refused if empty, invisible, odd or not `pattern`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected {expected}")
    value, refusals, _ = check_free_text(value.strip(), False)
    if refusals:
        raise ValueError("; ".join(refusals))
    if not value.strip():
        raise ValueError(f"expected {expected}, got only invisible characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise ValueError(f"expected {expected}, got {show(value)}")
    return value


def _checked(expected: str, pattern: re.Pattern | None = None) -> BeforeValidator:
    return BeforeValidator(lambda value: _text(value, expected, pattern))


def _url(value: Any) -> str:
    url = _text(value, "an address starting with https://")
    why = url_problem(url)
    if why:
        raise ValueError(why)
    return url


def _date(value: Any) -> str:
    text = _text(value, "a date YYYY-MM-DD", ISO_DATE)
    try:
        iso_date(text)
    except ValueError:
        raise ValueError(f"expected a real date YYYY-MM-DD, got {text}") from None
    return text


def _site_url(value: Any) -> str | None:
    """The site's address, or None where the file leaves it empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return normalise_site_url(_url(value))


Url = Annotated[str, BeforeValidator(_url)]
Date = Annotated[str, BeforeValidator(_date)]
Email = Annotated[str, _checked("an e-mail address", _EMAIL)]


class _Publisher(Strict):
    namn: Annotated[str, _checked("the agency's name")]
    webbplats: Url
    epost: Email
    telefon: Annotated[str | None, _checked("a telephone number", _PHONE)] = None


class _Accessibility(Strict):
    epost: Email
    granskad: Date
    uppdaterad: Date | None = None

    @field_validator("uppdaterad")
    @classmethod
    def _not_before_review(cls, updated: str | None, info: ValidationInfo) -> str | None:
        reviewed = info.data.get("granskad")
        if updated is not None and reviewed is not None and updated < reviewed:
            raise ValueError(
                f"expected a date on or after granskad ({reviewed}): the statement shows its last review, so it changes with it; got {updated}"
            )
        return updated


class _Licence(Strict):
    namn: Annotated[str, _checked("the licence's name, e.g. CC0 1.0")]
    url: Url


class SettingsFile(Strict):
    """installningar.yaml: every key it may hold, and the check of each value."""

    webbplats: Annotated[str | None, BeforeValidator(_site_url)] = None
    utgivare: _Publisher
    tillganglighet: _Accessibility
    licens: _Licence

    def settings(self) -> Settings:
        pub, acc, lic = self.utgivare, self.tillganglighet, self.licens
        return Settings(
            self.webbplats, pub.namn, pub.webbplats, pub.epost, pub.telefon, acc.epost, acc.granskad, lic.namn, lic.url, acc.uppdaterad
        )


def parse_settings(path: str, data: bytes) -> Settings:
    """The settings in `data`; raises ContentError naming every problem."""
    return schema.parse(path, data, SettingsFile, "a settings file").settings()


def load_settings(path: Path, shown: str | None = None) -> tuple[Settings, bytes]:
    """The settings file and its bytes (for the build's fingerprint); ContentError if absent or bad."""
    from .safe_read import MAX_YAML, read_or_refuse

    shown = shown or path.name
    if not os.path.lexists(path):
        raise ContentError([Problem(shown, 1, "file", f"missing; the project needs its settings file {FILE_NAME} (see the README)")])
    data = read_or_refuse(path, shown, "file", MAX_YAML, "a settings file")  # a pipe or /dev/zero: refused unopened
    return parse_settings(shown, data), data
