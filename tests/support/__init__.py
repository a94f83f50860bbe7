"""Shared test helpers: free ports and the real-process stack."""
