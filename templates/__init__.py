"""mlopsdiag's built-in Jinja2 templates, installed as the package `mlopsdiag.templates`.

This file only makes the folder an importable package, so that `importlib.resources` finds
the templates the same way in a wheel, an editable install and a source checkout.
"""
