"""The native local stack: one Apache Kafka broker (KRaft) and one PostgreSQL, no Docker.

Standard library only: `python3 deploy/local/stack.py` runs it before any venv exists.
Modules: config (paths, ports, errors), registry (the services), processes, kafka,
postgres, roles (databases and roles per service), cli (the commands).
"""
