"""The one import of Django's task framework: the django-tasks backport on Django 5.2. On Django 6,
`django.tasks` has the same API and this module imports it from there instead."""

try:  # Django 6
    from django.tasks import TaskResultStatus, default_task_backend, task
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, default_task_backend, task

__all__ = ["TaskResultStatus", "default_task_backend", "task"]
