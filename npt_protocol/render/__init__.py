"""Renderers: documents (plain values) in, text, Markdown, HTML, PDF or JSON out.

Owns: documents.py (checklist and session as one JSON-ready document), recipe.py (recipe and
check as terminal text), sheets.py (text and Markdown sheets), printview.py (layout facts the
printed formats share), html.py and pdf.py (Jinja2 and typst, templates beside them),
protocol.py (a protocol for `npt protocols show`), columns.py and fragments.py (shared pieces).
Renderers read no files but their templates, never the clock, never the settings.
May import: everything below it (ground floor, catalogue, engine, protocol, planning, log).
Never cli or Click.
"""
