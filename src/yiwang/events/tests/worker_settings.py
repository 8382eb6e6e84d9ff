"""Settings of the worker subprocesses of test_kill.py: the suite's settings plus the test consumer.

The database comes from the environment: ``YIWANG_EVENTS_TEST_SQLITE`` (a file copied from the in-memory
test database) or ``DATABASE_URL`` (the PostgreSQL test database), as test_kill.py sets them.
"""

import importlib
import os
import shutil

_base = importlib.import_module(os.environ.get("YIWANG_EVENTS_TEST_BASE_SETTINGS", "yiwang.settings.test"))
globals().update({k: v for k, v in vars(_base).items() if k.isupper()})

INSTALLED_APPS = [*_base.INSTALLED_APPS, "yiwang.events.tests.kill_consumer.KillConsumerConfig"]
DATABASES = {"default": dict(_base.DATABASES["default"])}
if os.environ.get("YIWANG_EVENTS_TEST_SQLITE"):
    DATABASES["default"]["NAME"] = os.environ["YIWANG_EVENTS_TEST_SQLITE"]
    DATABASES["default"].pop("TEST", None)
if hasattr(_base, "_tmp"):  # the test settings' throw-away directory: a killed worker cannot clean it up
    shutil.rmtree(_base._tmp, ignore_errors=True)
VAR_DIR = os.environ.get("YIWANG_EVENTS_TEST_VAR_DIR", "/tmp")  # noqa: S108 (overridden by the test)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
