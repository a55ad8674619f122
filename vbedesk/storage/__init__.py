"""Storage: the SQLCipher vault, its keys, schema, migrations, backups and the service layer."""
