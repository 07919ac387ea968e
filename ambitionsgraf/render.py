"""Jinja environments: autoescape everywhere, undefined values are errors."""

from __future__ import annotations

from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape


_SETTINGS = {"undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True}


def environment(templates_dir: Path) -> Environment:
    return Environment(
        # An absolute path: compiled templates are stored under a key made of name and path,
        # which must not depend on the folder a build runs from.
        loader=FileSystemLoader(str(templates_dir.resolve())),
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "xml"), default_for_string=True, default=True),
        **_SETTINGS,
    )


class StoredBytecode(BytecodeCache):
    """Compiled templates kept in a dict that a build saves with its cache.

    Jinja checks each entry against the template's source (and the Python version) and
    compiles again, replacing the entry, when either changed.
    """

    def __init__(self, stored: dict[str, bytes]):
        self.stored = stored

    def load_bytecode(self, bucket) -> None:
        data = self.stored.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self.stored[bucket.key] = bucket.bytecode_to_string()


def compile_all(env: Environment) -> dict[str, bytes]:
    """Load every page template now, so that processes forked afterwards share them compiled;
    return the current bytecode of each (entries for templates that are gone drop out)."""
    cache = env.bytecode_cache
    current: dict[str, bytes] = {}
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml"))):
        template = env.get_template(name)
        if isinstance(cache, StoredBytecode):
            key = cache.get_cache_key(name, template.filename)
            if key in cache.stored:
                current[key] = cache.stored[key]
    return current


def string_template(source: str) -> Template:
    """A template kept in code (the chart SVGs), with the same settings: autoescaped, strict."""
    return Environment(autoescape=True, **{**_SETTINGS, "keep_trailing_newline": False}).from_string(source)
