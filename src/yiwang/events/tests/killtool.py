"""Publish the kill test's events and count their effects, in the worker's database (run as a subprocess).

    python -m yiwang.events.tests.killtool publish N
    python -m yiwang.events.tests.killtool count     → JSON on stdout
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count

    from yiwang.events.models import Delivery, OutboxMessage, ProcessedMessage
    from yiwang.events.public import event_publish
    from yiwang.events.tests.kill_consumer import CONSUMER, EFFECT_TOPIC, TOPIC

    if argv[0] == "publish":
        with transaction.atomic():
            ids = [event_publish(topic=TOPIC, payload={"n": n}, key=f"n:{n}") for n in range(int(argv[1]))]
        print(json.dumps(ids))
    elif argv[0] == "count":
        sources = (OutboxMessage.objects.filter(topic=EFFECT_TOPIC).values("payload__source")
                   .annotate(n=Count("id")))
        print(json.dumps({
            "effects": sum(s["n"] for s in sources),
            "distinct": len(sources),
            "max_per_message": max((s["n"] for s in sources), default=0),
            "processed": ProcessedMessage.objects.filter(consumer=CONSUMER).count(),
            "pending": Delivery.objects.filter(consumer=CONSUMER).count(),
            "unsent": OutboxMessage.objects.filter(topic=TOPIC, sent_at__isnull=True).count(),
        }))


if __name__ == "__main__":
    main(sys.argv[1:])
