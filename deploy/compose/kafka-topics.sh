#!/usr/bin/env bash
# Creates Tandem's topics (idempotent): one per bounded context, keyed by aggregate id,
# and its dead-letter topic. Production clusters get the same list from the platform team
# (see docs/operations.md); auto-creation stays off so a typo cannot create a topic.
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:19092}"
PARTITIONS="${TANDEM_TOPIC_PARTITIONS:-3}"  # as the services' own ensure_topics hint
# The topics the services publish: docker-compose.yml sets them from the service registry.
read -ra TOPICS <<< "${TANDEM_TOPICS:?set TANDEM_TOPICS to the topics to create}"

create() {  # name retention.ms
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$PARTITIONS" --replication-factor 1 --config "retention.ms=$2"
}

for topic in "${TOPICS[@]}"; do
  create "$topic" -1                # the event log is kept: projections rebuild from it
  create "$topic.dlq" 2592000000    # dead letters: 30 days to inspect and replay
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
