"""Many clients at once: threads against one app (SQLite), or processes, each with its own app,
against one database (PostgreSQL).

A client is a module-level function `client(app, *args, barrier)`; every client waits at the
barrier, so that they really start together. Returns the clients' results in order.
"""
import importlib
import multiprocessing
import threading
from contextlib import contextmanager

from mpp_digital import create_app
from mpp_digital.extensions import db

from .conftest import BASE_CONFIG


def in_threads(app, client, args_list, timeout=180):
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)

    def run(i, args):
        results[i] = client(app, *args, barrier)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def _process(url, module, name, args, barrier, results):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    client = getattr(importlib.import_module(module), name)
    results.put(client(app, *args, barrier))
    with app.app_context():
        db.engine.dispose()


# The clients' processes are forked from a server that imported the app once (not spawned,
# which imports it again in every process), and share no connection with the test's process.
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["mpp_digital", "tests.races", "tests.booking.race",
                                  "tests.booking.waitlist_race", "tests.booking.visit_race",
                                  "tests.queue.race", "tests.survey.race",
                                  "tests.search.workers"])


def in_processes(url, client, args_list, timeout=300):
    barrier, results = PROCESSES.Barrier(len(args_list)), PROCESSES.Queue()
    processes = [PROCESSES.Process(target=_process,
                                   args=(url, client.__module__, client.__name__, args,
                                         barrier, results))
                 for args in args_list]
    for process in processes:
        process.start()
    answers = [results.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(60)
    return answers


def race(app, client, args_list, processes=20):
    """Threads on SQLite, `processes` processes on PostgreSQL."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return in_threads(app, client, args_list)
    return in_processes(url, client, args_list[:processes])


@contextmanager
def restored(module, *names):
    """Put back functions that a control test's clients replace."""
    saved = {name: getattr(module, name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)
