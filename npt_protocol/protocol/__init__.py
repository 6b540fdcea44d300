"""Region protocols: the model, reading and validating YAML files, and the protocol library.

Owns: model.py (frozen attrs values), loader.py (one file -> Protocol or every finding),
sections.py and nerves.py (readers for each part), checks.py (rules that span parts), library.py
(clinic folders before the shipped library), dump.py (a Protocol back to its file format).
The YAML library itself ships as npt_protocol/protocols (see pyproject.toml).
May import: the ground floor, reading, catalogue. Never engine, planning, log, render or cli.
"""
