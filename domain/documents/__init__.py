"""Pure document rules: ICAO 9303 MRZ and AAMVA PDF417 parsing, normalisation and validation.

These are business rules (requirements/platform §3.3, requirements/pipeline §4 "Security features"), so they live
in the domain: stdlib only, no I/O, no clock (``today`` is always passed in).
"""
