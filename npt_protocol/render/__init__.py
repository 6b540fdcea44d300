"""Renderers: each takes values and returns text or bytes; none reads files or the clock."""
