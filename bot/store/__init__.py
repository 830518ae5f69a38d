"""The bot's own state: SQLAlchemy 2 (async) on SQLite by default, PostgreSQL by URL."""
