"""Pure integrity primitives: the hash-chain encoding, the RFC 9162 Merkle tree, checkpoints."""
