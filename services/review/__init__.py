"""What reviewers see of a case beyond the recorded checks: fields against their sources, the portrait."""
