"""The local workspace's REST APIs, one module per API family (plus the shared error table)."""
