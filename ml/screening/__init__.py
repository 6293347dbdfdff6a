"""Sanctions / PEP screening adapters (seed 002 step 7): list importers, a normalised name index and a
rapidfuzz screener implementing ``domain.ports.screening.SanctionsScreener``. Not machine learning:
it lives with the adapters (ARCHITECTURE.md sections 2 and 7)."""
