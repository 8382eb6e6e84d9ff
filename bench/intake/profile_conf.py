"""gunicorn hooks for ``run.py --profile``: each worker profiles itself and writes ``worker-<pid>.prof`` at exit."""

import cProfile
import os

_profiler = cProfile.Profile()


def post_worker_init(worker):  # noqa: ANN001, ANN201 (gunicorn's hook signature)
    _profiler.enable()


def worker_exit(server, worker):  # noqa: ANN001, ANN201
    _profiler.disable()
    _profiler.dump_stats(os.path.join(os.environ["YIWANG_BENCH_PROFILE_DIR"], f"worker-{os.getpid()}.prof"))
