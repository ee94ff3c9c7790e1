"""Turning the sources into the site's pages.

The Jinja2 templates and the context they get, the clause anchors (a Markdown extension), the
interview diagram, and `generate`, which writes the folder the site generator reads (build/pages/).
Reads `source`, `publishing` and `engine_assets`.
"""
