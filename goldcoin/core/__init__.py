"""What every domain builds on: the error root, the transaction boundary, the
API blueprint, the admin base views and the audit log.

These are leaf modules: they import Flask, SQLAlchemy and the unbound
extensions, never a domain package, so that any domain may import them
without a cycle.
"""
