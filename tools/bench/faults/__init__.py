"""Fault injection against a production-shaped kycledger (``python -m tools.bench.faults``; see ``run``)."""
