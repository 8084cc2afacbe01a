"""The four services on the real servers, in this process, on private databases and topics.

Engagement and notifications restart on their databases whenever the story moves their clocks;
notifications mails a real SMTP sink and posts to a real webhook receiver (the demo's own).
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from tandem_analytics.bootstrap import SERVICE as ANALYTICS
from tandem_analytics.projections.views import ACCESS_SQL
from tandem_demo.inboxes import Inboxes
from tandem_engagement.bootstrap import SERVICE as ENGAGEMENT
from tandem_events.kafka_producer import ensure_topics
from tandem_matching.bootstrap import SERVICE as MATCHING
from tandem_notifications.bootstrap import SERVICE as NOTIFICATIONS
from tandem_service.bootstrap import ServiceDefinition
from tandem_testkit.databases import DatabaseFactory, with_database
from tandem_testkit.uvicorn_server import serving

KEK = "TANDEM_KEY_ENCRYPTION_KEY"
ANALYST = "tandem_analyst"
CLOCKED = (ENGAGEMENT, NOTIFICATIONS)


def analyst_dsn(admin_dsn: str) -> str:
    """The analyst role on the same server and database (its password as on the local stack)."""
    explicit = os.environ.get("TANDEM_TEST_ANALYST_DATABASE_URL")
    scheme, rest = (explicit or admin_dsn).split("://", 1)
    if not explicit:
        rest = f"{ANALYST}:{ANALYST}@" + rest.rsplit("@", 1)[-1]
    return with_database(f"{scheme}://{rest}", admin_dsn.rsplit("/", 1)[-1].split("?")[0])


class Stack:
    """Matching, engagement, notifications and analytics, and the inboxes notifications use."""

    def __init__(self, kafka: str, databases: DatabaseFactory, keys: Path) -> None:
        self.prefix = f"test.e2e-{uuid.uuid4().hex[:10]}."
        self.kafka, self.keys, self.databases = kafka, keys, databases
        services = (MATCHING, ENGAGEMENT, NOTIFICATIONS, ANALYTICS)
        self.dsn = {d.name: databases.create(d.all_migrations, d.name) for d in services}
        with psycopg.connect(self.dsn[ANALYTICS.name], autocommit=True) as conn:
            conn.execute(ACCESS_SQL.read_text())
        # The backbone reads the key-encryption key from the environment, not the settings.
        self.kek_before = os.environ.get(KEK)
        os.environ[KEK] = base64.b64encode(os.urandom(32)).decode()
        self.offset_days = 0
        self.mail_offset = timedelta(0)  # notifications' clock: may run ahead into the next day
        self.inboxes = Inboxes(lambda: datetime.now(UTC) + self.mail_offset).start()
        self.urls: dict[str, str] = {}
        self.running: dict[str, AbstractContextManager[str]] = {}
        self._start(MATCHING)
        self._start(ENGAGEMENT)
        # Consumers do not create their input topics: the owners' topics exist first.
        topics = [f"{self.prefix}{name}.events" for name in ("matching", "engagement")]
        asyncio.run(ensure_topics(kafka, topics))
        self._start(NOTIFICATIONS, **self._notifications())
        self._start(ANALYTICS, pseudonym_key="e2e-pseudonym-key-0123456789", live_tiles=False)

    def _notifications(self) -> dict[str, Any]:
        return {
            "smtp_port": self.inboxes.mail.port,
            "matching_url": self.urls[MATCHING.name],
            "webhook_allow_http": True,
            "lease_seconds": 5,
            "retry_base_seconds": 1,
            "clock_offset_days": self.mail_offset / timedelta(days=1),
        }

    def _start(self, definition: ServiceDefinition, **extra: Any) -> None:
        settings = definition.settings(
            env="test",
            database_url=self.dsn[definition.name],
            kafka_bootstrap=self.kafka,
            topic_prefix=self.prefix,
            dev_keys_dir=self.keys,
            **extra,
        )
        serving_app = serving(definition.build_app(settings))
        self.urls[definition.name] = serving_app.__enter__()
        self.running[definition.name] = serving_app

    def now(self) -> datetime:
        """The simulated instant."""
        return datetime.now(UTC) + timedelta(days=self.offset_days)

    def today(self) -> date:
        """The simulated date (UTC)."""
        return self.now().date()

    def move_to(self, offset_days: int) -> None:
        """Restart the clocked services on their databases with their clocks moved."""
        for definition in CLOCKED:
            self.running.pop(definition.name).__exit__(None, None, None)
        self.offset_days = offset_days
        self.mail_offset = timedelta(days=offset_days)  # only now: the receiver checks by it
        self._start(ENGAGEMENT, clock_offset_days=offset_days)
        self._start(NOTIFICATIONS, **self._notifications())

    def mail_later(self, hours: int) -> None:
        """Restart notifications ``hours`` after the story's time: mail waits for working hours."""
        self.running.pop(NOTIFICATIONS.name).__exit__(None, None, None)
        self.mail_offset = timedelta(days=self.offset_days, hours=hours)
        self._start(NOTIFICATIONS, **self._notifications())

    def close(self) -> None:
        """Stop the services and inboxes and drop the databases."""
        for running in reversed(self.running.values()):
            running.__exit__(None, None, None)
        self.inboxes.stop()
        for dsn in self.dsn.values():
            self.databases.drop(dsn)
        if self.kek_before is None:
            os.environ.pop(KEK, None)
        else:
            os.environ[KEK] = self.kek_before
