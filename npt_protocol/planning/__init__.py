"""Planning: a protocol and a clinician's choices become a checklist; regions become a session.

Owns: checklist.py (protocol + side + points -> Checklist), session.py (regions -> volumes with
dead space and margin -> recipes -> labels). Pure: time and every choice are parameters.
May import: the ground floor, catalogue, engine, protocol. Never log, render or cli.
"""
