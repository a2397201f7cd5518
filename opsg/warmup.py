"""Make a web process ready before its first request, and keep its garbage collector quick.

A Django process builds most of what it keeps lazily: the URL resolver on the first
reverse(), each template on its first render. Built here instead, before any request,
it is then frozen (gc.freeze()): the tens of thousands of objects that live as long as
the process leave the collector's generations, so that a full collection, which a busy
page triggers every few requests, scans only what requests made (about a tenth of the
time: tens of milliseconds otherwise, measured on the action log by bench/action_log.py).
"""

import gc
import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def template_names():
    """Every template the project's engines can load, by the name it is loaded by."""
    from django.template import engines

    names = set()
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory)
            names.update(
                str(path.relative_to(root)) for path in root.rglob("*") if path.suffix in (".html", ".txt")
            )
    return sorted(names)


def compile_templates():
    """Load (compile and cache) every template; return how many were loaded."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    loaded = 0
    for engine in engines.all():
        for name in template_names():
            try:
                engine.get_template(name)
                loaded += 1
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                # A fragment that only compiles inside another template: it is compiled there.
                logger.debug("Not compiled ahead: %s (%s)", name, error)
    return loaded


def prepare_process():
    """Build the URL resolver and every template, then freeze what the process keeps."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (builds the resolver's lookup tables)
    loaded = compile_templates()
    gc.collect()
    gc.freeze()
    return loaded
