"""Integrity adapters: Ed25519 checkpoint keys, SQL stores for Merkle nodes and signed checkpoints,
and the directory that stands in for an external WORM sink (docs/architecture.md §4)."""
