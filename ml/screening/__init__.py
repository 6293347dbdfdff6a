"""Sanctions / PEP screening adapters (requirements/pipeline §7): list importers, a normalised name index and a
rapidfuzz screener implementing ``domain.ports.screening.SanctionsScreener``. Not machine learning:
it lives with the adapters (docs/architecture.md §2 and §7)."""
