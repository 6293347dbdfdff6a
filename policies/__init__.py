"""Pure policy: scoring, gating and retry rules over recorded check results (docs/architecture.md §6).

Import from the modules: ``policies.document`` (the versioned document and its hash),
``policies.evaluate`` (``evaluate``), ``policies.replay`` (replay and what-if), ``policies.process``
(the decision to record for an attempt).
"""
