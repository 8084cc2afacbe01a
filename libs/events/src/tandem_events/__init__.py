"""The Tandem event backbone: catalog, CloudEvents on Kafka, event store, relay, projections."""

from pathlib import Path

STORE_MIGRATIONS = Path(__file__).parent / "migrations"
