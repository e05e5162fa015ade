import logging
import logging.config
import os
from contextvars import Token

from celery import Celery, signals

from common import requestid

# Production's, like wsgi.py and asgi.py: this module is imported with the runsite package, so
# by gunicorn too, before wsgi.py's own default is read; a development default here once made
# `gunicorn runsite.wsgi` run with DEBUG on. `make run` names the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runsite.settings.prod")

app = Celery("runsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The message header that carries the enqueuing request's id to the worker. Protocol 2 puts
# custom headers beside Celery's own; the worker copies them onto task.request as attributes.
REQUEST_ID_HEADER = "request_id"
_tokens: dict[str, Token] = {}


@signals.setup_logging.connect
def use_django_logging(loglevel=None, **kwargs):
    """Workers and beat log through settings.LOGGING (JSON lines, request ids), not Celery's
    own format; --loglevel still sets the level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@signals.before_task_publish.connect
def add_request_id_header(headers=None, **kwargs):
    request_id = requestid.get()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect
def bind_request_id(task_id=None, task=None, **kwargs):
    """A task logs under the id of the request that enqueued it (or of the task that did);
    one started by beat, or by any other producer, under its own task id."""
    carried = getattr(task.request, REQUEST_ID_HEADER, None)
    # An eager task runs inside its caller and keeps the caller's id.
    request_id = carried if requestid.is_valid(carried) else requestid.get() or task_id
    _tokens[task_id] = requestid.bind(request_id)


@signals.task_postrun.connect
def unbind_request_id(task_id=None, **kwargs):
    token = _tokens.pop(task_id, None)
    if token is not None:
        requestid.reset(token)
