"""The review and audit console for people (reviewers, compliance officers, auditors, admins)."""
