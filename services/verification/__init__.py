"""Captures to recorded checks: the pipeline, the address proof, the result labelling."""
