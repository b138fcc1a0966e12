"""Benchmarks for GSE Insight: load tests that drive a real server in Chromium."""
