"""The long-running processes: decision worker, ML worker, relays, work recovery, checkpoints, webhooks."""
