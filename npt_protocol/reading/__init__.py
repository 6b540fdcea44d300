"""Reading files people write: safe YAML as positioned values, typed readers that collect findings.

Owns: yaml_tree.py (YAML -> Nodes with line and column, refusing anything hostile), fields.py
(FieldReader: typed values or a finding at the node's position), findings.py (Finding).
May import: the ground floor only.
"""
