"""Qt table models over immutable rows from the service (GUI thread)."""
