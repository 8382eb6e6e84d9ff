"""Settings of every benchmark process: production settings (throw-away keys from run.py) + the bench consumer."""

import importlib
import os

_base = importlib.import_module(os.environ.get("BENCH_EVENTS_BASE_SETTINGS", "yiwang.settings.production"))
globals().update({k: v for k, v in vars(_base).items() if k.isupper()})
INSTALLED_APPS = [*_base.INSTALLED_APPS, "bench_events_consumer.BenchConsumerConfig"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
