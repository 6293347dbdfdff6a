"""Proof of address (seed 002 step 1 ``require_address_proof``): pure rules over the text read from an
address document (utility bill, bank statement, tax letter) and the name read from the ID document."""
