"""opsg/warmup.py: a web process builds its templates and URL resolver before its first request."""

import gc

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from opsg.warmup import prepare_process, template_names


def cached_templates():
    loaders = engines["django"].engine.template_loaders
    return sum(len(loader.get_template_cache) for loader in loaders if isinstance(loader, CachedLoader))


def test_every_template_is_compiled_and_the_start_up_objects_frozen(settings):
    settings.DEBUG = False  # the cached loader, as in production
    names = template_names()
    assert "base.html" in names and "actions/log/action_log.html" in names
    try:
        loaded = prepare_process()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert loaded == len(names)
    assert cached_templates() >= loaded
