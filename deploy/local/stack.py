#!/usr/bin/env python3
"""Tandem native local stack: one Apache Kafka broker (KRaft) and one PostgreSQL.

No Docker needed. Kafka runs from the official jars that Maven resolves
(deploy/local/pom.xml); PostgreSQL runs from the distribution's binaries in a
private data folder. Everything lives under <repo>/.local/. The code is the
`nativestack` package beside this file; this entry point stays where the Makefile,
the test kit and the docs call it.

    python3 deploy/local/stack.py install     # fetch jars / postgres if missing
    python3 deploy/local/stack.py up          # start both (idempotent)
    python3 deploy/local/stack.py status      # exit 0 if both run, 3 otherwise
    python3 deploy/local/stack.py env         # print .local/stack.env
    python3 deploy/local/stack.py down        # stop both, keep data
    python3 deploy/local/stack.py down --purge   # stop and delete data (alias: clean)

Ports: TANDEM_KAFKA_PORT (9092), TANDEM_KAFKA_CONTROLLER_PORT (9093),
TANDEM_PG_PORT (5432).

Standard library only: this must run with the system python3 before any venv
exists. See docs/decisions/0001-kafka-version.md, 0002-native-stack.md and 0011.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nativestack.cli import main

if __name__ == "__main__":
    sys.exit(main())
