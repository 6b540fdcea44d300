"""The stock catalogue: solutes and products as sourced data, a clinic's own products, lookup.

Owns: products.py (Solute, Product, Catalogue; lookup by id, alias or written spec; the shipped
catalogue.toml), clinic.py (a clinic's products from YAML, searched first).
May import: the ground floor (errors, numbers, units, ismp, strengths) and reading.
"""
