"""Keeping the workspace safe in the GUI: the read-only banner, lock heartbeat and periodic
backups while a workspace is open, and Restore from Backup…"""
