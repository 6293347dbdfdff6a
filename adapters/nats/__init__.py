"""NATS JetStream: the relay that publishes decision and status streams from the ledger's log."""
