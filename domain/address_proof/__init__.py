"""Proof of address (requirements/pipeline §1 ``require_address_proof``): pure rules over the text read from an
address document (utility bill, bank statement, tax letter) and the name read from the ID document."""
