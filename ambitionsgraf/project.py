"""The project model: everything the renderers need that does not depend on one organisation.

Every stage uses it, so it sits below them all (it imports no renderer and no stage).
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment

from .content import Guidance
from .instrument import Instrument
from .reference import Reference
from .settings import Settings


@dataclass(frozen=True)
class Project:
    """Everything the renderers need that does not depend on one organisation."""

    ins: Instrument
    guidance: Guidance
    env: Environment
    site_css: str
    print_css: str
    settings: Settings  # installningar.yaml, with --site-url applied

    @property
    def site_url(self) -> str | None:
        """Absolute, ends in "/": for links where relative ones cannot work (PDF, CSV, sitemap).
        None when no address is set: then nothing links to the site absolutely."""
        return self.settings.site_url

    @property
    def reference(self) -> Reference:
        """Sweden's municipalities and regions (content/kommuner.csv), loaded with the instrument."""
        return self.ins.reference
