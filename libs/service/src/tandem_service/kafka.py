"""A long-lived Kafka connection used to answer readiness."""

from __future__ import annotations

from typing import Any

from aiokafka.client import AIOKafkaClient

from tandem_service.health import CheckResult


class KafkaProbe:
    """Keeps one bootstrap connection so ``/ready`` can ask the cluster for metadata."""

    def __init__(self, bootstrap: str, client_id: str, **options: Any) -> None:
        self._client = AIOKafkaClient(bootstrap_servers=bootstrap, client_id=client_id, **options)
        self._started = False

    async def start(self) -> None:
        """Connect; failure here is not fatal, readiness will report it."""
        try:
            await self._client.bootstrap()
            self._started = True
        except Exception:  # the broker may come later; /ready says so meanwhile
            self._started = False

    async def stop(self) -> None:
        """Close the connection."""
        await self._client.close()

    async def check(self) -> CheckResult:
        """Readiness: the cluster answers a metadata request and has a broker."""
        if not self._started:
            await self._client.bootstrap()
            self._started = True
        metadata = await self._client.fetch_all_metadata()
        brokers = len(metadata.brokers())
        return CheckResult(brokers > 0, {"brokers": brokers})
