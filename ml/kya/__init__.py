"""KYA basic-profile adapters (seed 001 section 3 module 6): phone (phonenumbers), email syntax and
MX (dnspython, injectable resolver), name coherence (rapidfuzz), country and IP plausibility."""
