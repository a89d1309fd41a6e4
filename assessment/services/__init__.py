"""Use cases as plain functions on a database session: no Flask here.

The website, the API, the CLI and background jobs all call these.
"""
