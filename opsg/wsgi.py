"""
WSGI config for opsg project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")

application = get_wsgi_application()

# The URL resolver and every template built now, then frozen out of the garbage
# collector's way (opsg/warmup.py): the first requests are not slower than the rest.
from opsg.warmup import prepare_process  # noqa: E402 (needs the settings loaded above)

prepare_process()
