"""The area services of an open vault (incidents, plans, backups, …), grouped by VaultService."""
