"""The preparation log: hash-chained JSON lines, appended durably, verified by recomputation.

Owns: record.py (the record format and its hashes), store.py (locked, durable appends and
reading), recompute.py (each result run again through the engine), verify.py (the chain and the
results), show.py (listing). The format is in docs/log-format.md.
May import: the ground floor, catalogue, engine. Never planning, render or cli.
"""
