"""Error reporting to Sentry, switched on by SENTRY_DSN (nothing is sent without it).

The Django integration reports unhandled view errors, the Celery one task failures (not
the retries of transient farm errors), the logging one every ERROR line. No personal
data by default: no cookies, headers with credentials, user names or IP addresses.
"""
import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def sentry_init(dsn, *, environment):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
    )
