"""Evaluation, benchmarks, the fake camera and browser helpers: not part of the served product."""
