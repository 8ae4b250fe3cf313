"""Imports into the care-home register: `cqc` reads the CQC's published files.

File reading (CSV, .xlsx, .ods) is shared with the other apps' imports in `config.readers`; the
staff list import lives with the staff, in `organisations.imports`.
"""
