"""Alembic migrations of the course database, run by npt_protocol.course.database."""
