"""Alembic migration environment, shipped with the package so an installed bot can migrate."""
