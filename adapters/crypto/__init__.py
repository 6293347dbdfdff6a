"""Encryption adapters: the key-encryption key, per-subject data keys and event-field sealing."""
