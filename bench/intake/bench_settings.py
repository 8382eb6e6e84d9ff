"""Settings of the benchmark's server only: production settings, plus the baseline endpoint's URLconf."""

from yiwang.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
