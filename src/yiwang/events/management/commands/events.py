"""``yiwang events …``: run a worker, relay the outbox, show queues, re-queue dead letters, purge.

    yiwang events work [--once] [--batch N] [--consumer NAME …] [--no-relay]
    yiwang events relay [--once] [--batch N]
    yiwang events status
    yiwang events requeue [--consumer NAME] [--message ID]
    yiwang events purge --older-than-days N
"""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from yiwang.audit.public import system_actor
from yiwang.core.public import ServiceError

from ...backends import transport
from ...backends.base import TransportError
from ...registry import consumers, get_consumer
from ...selectors import queue_states
from ...services import dead_letter_requeue, outbox_purge


class Command(BaseCommand):
    help = "Event bus: run a worker (work), relay the outbox to the broker (relay), show queues (status), " \
           "re-queue dead letters (requeue), purge old delivered events (purge)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        work = sub.add_parser("work", help="Deliver events to consumers until stopped (SIGTERM/SIGINT).")
        work.add_argument("--once", action="store_true", help="Deliver what is due now, then exit.")
        work.add_argument("--batch", type=int, default=settings.YIWANG_EVENTS_BATCH,
                          help="Messages per transaction.")
        work.add_argument("--consumer", action="append", default=[], metavar="NAME",
                          help="Only this consumer (repeatable); default: every registered one.")
        work.add_argument("--no-relay", action="store_true",
                          help="With a broker: do not also relay the outbox (run `events relay` separately).")
        relay = sub.add_parser("relay", help="Move outbox rows to the broker (RabbitMQ transport only).")
        relay.add_argument("--once", action="store_true", help="Relay what is in the outbox now, then exit.")
        relay.add_argument("--batch", type=int, default=settings.YIWANG_EVENTS_BATCH)
        sub.add_parser("status", help="Pending, retrying and dead-lettered messages per consumer, and the lag.")
        requeue = sub.add_parser("requeue", help="Put dead letters back in the queue.")
        requeue.add_argument("--consumer", default="", metavar="NAME")
        requeue.add_argument("--message", default="", metavar="ID")
        purge = sub.add_parser("purge", help="Delete delivered events and dedup records older than N days.")
        purge.add_argument("--older-than-days", type=float, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        with system_actor(f"cli:events-{options['subcommand']}"):
            try:
                getattr(self, f"_{options['subcommand']}")(options)
            except ServiceError as exc:
                details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
                raise CommandError(f"{exc.message} {details}".strip()) from exc
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    # -- work / relay --------------------------------------------------------------------------------------
    def _stop_flag(self) -> dict[str, bool]:
        flag = {"stop": False}

        def stop(signum: int, frame: FrameType | None) -> None:
            flag["stop"] = True  # finish the batch in hand, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        return flag

    def _work(self, options: dict[str, Any]) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        try:
            chosen = [get_consumer(n) for n in options["consumer"]] if options["consumer"] else consumers()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        bus = transport()
        if not chosen:  # still relay, so that the outbox does not fill up with unsent rows
            self.stderr.write("no consumer is registered: relaying the outbox only")
        once = options["once"]
        flag = self._stop_flag()
        self.stderr.write(f"events worker ({bus.name}): {', '.join(c.name for c in chosen) or '-'}")
        total = 0
        retry_in = 1.0
        with tqdm(desc="events applied", unit="msg", disable=not once, file=self.stderr) as bar:
            while not flag["stop"]:
                try:
                    worker = bus.worker(chosen, batch=options["batch"], poll=settings.YIWANG_EVENTS_POLL_SECONDS,
                                        relay=not options["no_relay"], once=once)
                except TransportError as exc:
                    if once:
                        raise CommandError(str(exc)) from exc
                    self.stderr.write(f"{exc}; retrying in {retry_in:.0f} s")
                    time.sleep(retry_in)
                    retry_in = min(retry_in * 2, 60.0)
                    continue
                try:
                    while not flag["stop"]:
                        relayed = worker.relay()
                        handled = worker.step()
                        total += handled
                        bar.update(handled)
                        retry_in = 1.0
                        if once and not handled and not relayed:
                            flag["stop"] = True
                except TransportError as exc:
                    # The broker went away: whatever was not acknowledged is redelivered after reconnecting.
                    if once:
                        raise CommandError(str(exc)) from exc
                    self.stderr.write(f"{exc}; reconnecting")
                finally:
                    worker.close()
        self.stdout.write(f"{total} messages handled")

    def _relay(self, options: dict[str, Any]) -> None:
        bus = transport()
        if not bus.relays:
            raise CommandError(f"the {bus.name} transport has no relay: publishing delivers into the database queue")
        flag = self._stop_flag()
        total = 0
        try:
            worker = bus.worker([], batch=options["batch"], poll=0, relay=True, once=True)
        except TransportError as exc:
            raise CommandError(str(exc)) from exc
        try:
            while not flag["stop"]:
                relayed = worker.relay()
                total += relayed
                if not relayed:
                    if options["once"]:
                        break
                    time.sleep(settings.YIWANG_EVENTS_POLL_SECONDS)
        except TransportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            worker.close()
        self.stdout.write(f"{total} messages relayed")

    # -- operator commands ---------------------------------------------------------------------------------
    def _status(self, options: dict[str, Any]) -> None:
        header = f"{'consumer':<40} {'pending':>8} {'retrying':>8} {'dead':>6} {'lag s':>8}  last applied"
        self.stdout.write(header)
        for state in queue_states():
            lag = "-" if state.lag_seconds is None else f"{state.lag_seconds:.1f}"
            last = state.last_processed_at.isoformat(timespec="seconds") if state.last_processed_at else "-"
            pending = "?" if state.pending is None else str(state.pending)
            self.stdout.write(f"{state.consumer:<40} {pending:>8} {state.retrying:>8} {state.dead_lettered:>6} "
                              f"{lag:>8}  {last}")

    def _requeue(self, options: dict[str, Any]) -> None:
        n = dead_letter_requeue(consumer=options["consumer"], message_id=options["message"])
        self.stdout.write(self.style.SUCCESS(f"{n} dead letters re-queued"))

    def _purge(self, options: dict[str, Any]) -> None:
        outbox, processed = outbox_purge(older_than_days=options["older_than_days"])
        self.stdout.write(self.style.SUCCESS(f"purged {outbox} outbox messages and {processed} dedup records"))
