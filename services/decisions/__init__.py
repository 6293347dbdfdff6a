"""The one path to a decision."""
