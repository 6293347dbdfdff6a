"""The use cases of kycledger: verification, decisions, erasure, evidence and webhooks (docs/architecture.md)."""
