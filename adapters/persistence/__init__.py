"""Persistence adapters: hash-chained eventsourcing recorders for SQLite and PostgreSQL."""
