"""The one Jinja environment; templates live in the top-level ``codegen_templates/``."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def template_dir() -> Path:
    """Where the templates are: beside this source tree when it has them (a checkout, or
    an editable install), else inside the installed wheel (eqsim.codegen_templates)."""
    source_tree = Path(__file__).resolve().parents[2] / "codegen_templates"
    if (source_tree / "c" / "network.c.j2").is_file():
        return source_tree
    import eqsim.codegen_templates as pkg
    return Path(pkg.__file__).parent


@lru_cache(maxsize=1)
def environment():
    import jinja2
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False)


def render(name: str, **context) -> str:
    """Render ``codegen_templates/<name>`` with a strict environment."""
    return environment().get_template(name).render(**context)


@lru_cache(maxsize=1)
def generator_fingerprint() -> str:
    """A hash of everything that shapes generated code: the templates and the sources of
    the parsing, integration and code generation stages. Part of the front-cache key, so
    editing a template or upgrading eqsim never serves stale generated code."""
    import hashlib
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    files = sorted(p for p in template_dir().rglob("*") if p.is_file() and
                   p.suffix != ".pyc")
    for sub in ("equations", "integration", "codegen"):
        files += sorted((pkg / sub).glob("*.py"))
    files += [pkg / "rng.py", pkg / "elementary.py"]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
