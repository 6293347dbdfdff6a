"""Standard Webhooks signing and SSRF-safe HTTP delivery."""
