"""Persistence internals behind bot.store: tables, engines, migrations and queries."""
