"""Events's public surface: the only module other apps import from ``yiwang.events``.

Publish in the transaction of the business change; subscribe from ``AppConfig.ready()``::

    event_publish(topic="registries.person.changed", payload={"id_number_index": ...}, key="person:42")
    register_consumer("intake.prefill-cache", topics=["registries.person.*"], handler=on_person_changed)

See docs/events.md.
"""

from .registry import Consumer, Event, register_consumer, topic_matches
from .services import event_publish

__all__ = ["Consumer", "Event", "event_publish", "register_consumer", "topic_matches"]
