"""The preparation engine: exact solving, syringes and their marks, safety rules, recipes.

Owns: solver.py (the n-component mass balance and mixing), syringes.py (syringes, marks, draws,
containers), snap.py (choosing marks), safety.py (tolerance, tonicity, cautions, dose, use-by),
recipe.py (request -> solve -> snap -> recompute -> assess), requests.py (prepare and check as typed
text, shared by the commands and the log), results.py (the JSON contract of a recipe and a check).
May import: the ground floor and catalogue. Never protocol, planning, log, render, cli or Click.
"""
