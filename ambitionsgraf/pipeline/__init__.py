"""The build, as stages (one module each):

- `options`: what a build is asked to do (BuildOptions) and what it reports (BuildSummary);
- `inputs`: answer files, fingerprints, the project, the previous manifest;
- `cache`: what a build keeps for the next, as validated JSON;
- `plan`: the pure planner — which part is rendered, carried over or dropped, and why;
- `execute`: workers (forked, or the serial twin) that load and render;
- `output`: which folders may be replaced, the staging folder and the atomic swap;
- `run`: `build()`, handing values from one stage to the next.
"""

from .inputs import code_fingerprint, load_project
from .options import BuildOptions, BuildSummary
from .output import MANIFEST
from .run import build

__all__ = ["MANIFEST", "BuildOptions", "BuildSummary", "build", "code_fingerprint", "load_project"]
