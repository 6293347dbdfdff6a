"""Crypto-shredding with receipts, legal holds and media retention."""
