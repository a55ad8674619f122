"""Widget tests with pytest-qt over real vaults."""
