"""The task framework the plugins' email goes through: Django's own (``django.tasks``) from
Django 6.0, its backport (``django-tasks``, the package ``django_tasks``) on Django 5.2. The
plugins import :func:`task`, :class:`Task` and :data:`default_task_backend` from here, never from
either framework directly, so that one module knows which Django has.

Both frameworks read the one setting ``TASKS``. Wagtail 8.0 defines its own tasks (the reference
index, the search index, deleting a replaced file) with the backport whatever Django runs; the
backport's decorator makes each task of the class of the backend that ``TASKS`` names when the
module loads. On Django 6.0 ``TASKS`` must therefore name backends of Django's framework
(``django.tasks.backends.immediate.ImmediateBackend``, ``django_tasks_db.DatabaseBackend``),
never the backport's (``django_tasks.backends.…``): with the backport's immediate backend at load
and django-tasks-db's later, django-tasks-db refuses Wagtail's tasks ("does not point to a Task")
and saving a page fails. :data:`FRAMEWORK` names the right package for settings.
"""

from __future__ import annotations

import django

#: Django has its task framework from 6.0 on; before that, the backport is the framework.
BUILT_IN = django.VERSION >= (6, 0)

if BUILT_IN:
    from django.tasks import default_task_backend, task, task_backends
    from django.tasks.base import Task
else:
    from django_tasks import default_task_backend, task, task_backends
    from django_tasks.base import Task

#: The package whose ``backends.immediate.ImmediateBackend`` and ``backends.dummy.DummyBackend``
#: are this Django's framework's.
FRAMEWORK = "django.tasks" if BUILT_IN else "django_tasks"

__all__ = ["BUILT_IN", "FRAMEWORK", "Task", "default_task_backend", "task", "task_backends"]
