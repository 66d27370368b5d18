"""Workbooks in and out: safe readers for XLSX and CSV, the mapping from a sheet's columns to pool
line fields, and the XLSX writer for exports.

Layering: ``ui`` → ``interchange`` → ``store`` → ``core``. Nothing here imports Qt.
"""
