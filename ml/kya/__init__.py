"""KYA basic-profile adapters (requirements/platform §3.6): phone (phonenumbers), email syntax and
MX (dnspython, injectable resolver), name coherence (rapidfuzz), country and IP plausibility."""
