"""The treatment-room app behind `npt serve`: pages a tablet opens, on the same core as `npt`.

Owns: app.py (the ASGI app and its middleware), pages/ (the page registry and each page),
forms.py and fields.py (form fields to requests; each error to its field), views.py (recipes
and checks as page data), records.py (log records attributed to the signed-in person),
course_access.py (the course record, and who a course write is recorded as), security.py,
csrf.py, auth.py, throttle.py, users.py, secret.py and private.py (the security model in
docs/web.md), errors.py, static.py, templating.py, library.py, config.py and state.py,
server.py (uvicorn), templates/ and static/.
May import: everything below the shell (settings, render, log, course, planning, protocol,
engine, ...), Starlette, uvicorn, Jinja2, argon2. Never cli or Click; nothing in the core
imports it.
"""
