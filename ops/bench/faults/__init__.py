"""Fault injection against a production-shaped kycledger (``python -m ops.bench.faults``; see ``run``)."""
