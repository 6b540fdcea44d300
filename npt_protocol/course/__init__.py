"""Patients' treatment courses: sessions, pain scores, response, flags, reports and exports.

Owns: database.py (opening SQLite or PostgreSQL, migrations/ with Alembic), locations.py (a
database's name read without SQLAlchemy), tables.py (the
schema), model.py (typed values), inputs.py (what clinicians type), rules.py with
response_rules.toml (responder, reconsider, plateau as sourced data), status.py (a course's
status from its scores), plan.py (a course from its protocols), writes.py, follow_ups.py,
endings.py and reads.py (the record: nothing overwritten), views.py (a course and its history),
listing.py (the clinic's list), summary.py (the status for a session packet), report.py and
chart.py (the report document and its chart), fhir.py (an R4 Bundle). SQLAlchemy is imported
only by the modules that talk to the database, and the plotting library only by chart.py.
May import: the ground floor, reading, protocol. Never planning, log, render, settings or cli.
"""
