"""Report formats for CI systems: SARIF, JUnit XML, GitLab Code Quality and a Markdown summary.

Each module holds one formatter; `mlopsdiag.report.FORMATS` registers them by name.
"""
