"""The Celery application; settings come from Django's CELERY_* settings.

Reliability: every task is acknowledged after it ran (`CELERY_TASK_ACKS_LATE`), put back when its worker
dies (`CELERY_TASK_REJECT_ON_WORKER_LOST`), and a worker reserves one message at a time
(`CELERY_WORKER_PREFETCH_MULTIPLIER = 1`), so a worker killed mid-task loses nothing: the message goes to the
next worker, and the tasks are written to be run twice. On Redis, a message a dead worker held comes back after
the transport's visibility timeout (below, unless the settings give their own transport options).
"""

import logging
import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

logger = logging.getLogger(__name__)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Redis redelivers a message not acknowledged within this many seconds; longer than any task runs.
REDIS_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(60 * 60)))
# A Redis that does not answer fails a publish in seconds instead of hanging a web request.
REDIS_SOCKET_TIMEOUT = 5


def _redis_transport_defaults() -> dict:
    return {
        "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "retry_on_timeout": True,
        "health_check_interval": 30,
    }


@app.on_after_configure.connect
def _reliability_defaults(sender: Celery, **kwargs) -> None:
    """Defaults the Django settings may override: Redis timeouts, and workers that outlive a broker outage."""
    conf = sender.conf
    broker_url = str(conf.broker_url or "")
    if broker_url.startswith(("redis://", "rediss://", "sentinel://")):
        options = dict(conf.broker_transport_options or {})
        for key, value in _redis_transport_defaults().items():
            options.setdefault(key, value)
        conf.broker_transport_options = options
    if str(conf.result_backend or "").startswith(("redis://", "rediss://")):
        if conf.redis_socket_connect_timeout is None:
            conf.redis_socket_connect_timeout = REDIS_SOCKET_TIMEOUT
        if conf.redis_socket_timeout in (None, 120.0):
            conf.redis_socket_timeout = REDIS_SOCKET_TIMEOUT
    from django.conf import settings

    defaults = {
        # A worker keeps reconnecting while the broker is down (and waits for it at start) rather than exiting.
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        # Tasks running when the broker connection drops cannot be acknowledged any more: cancel them so the
        # broker hands them out again (they are idempotent) instead of finishing work nobody can confirm.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
    }
    for key, value in defaults.items():
        if not hasattr(settings, f"CELERY_{key.upper()}"):
            conf[key] = value


@worker_ready.connect
def _dispatch_outbox_on_start(**kwargs) -> None:
    """A worker that starts sends what waited in the e-mail outbox (a broker outage, a lost publish) without
    waiting for beat's next tick."""
    try:
        from core.tasks import dispatch_outbox

        dispatch_outbox.delay()
    except Exception:
        logger.exception("could not queue the e-mail outbox dispatch at worker start")
