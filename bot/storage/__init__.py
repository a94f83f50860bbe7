"""Database schema, engine/session factories and Alembic migrations."""
