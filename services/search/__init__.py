"""Finding a tenant's sessions without knowing their ids: the session search over its index."""
