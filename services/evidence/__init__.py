"""Evidence bundles, exports, offline verification and signed checkpoints."""
