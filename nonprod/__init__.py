"""Data builders that are not product code: the Leeds demo city and the national-scale data set.

Installed only when DEBUG is on or the NONPROD_APPS setting is true (see config/settings.py);
nothing in the product imports it (docs/architecture.md).
"""
