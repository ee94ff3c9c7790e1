"""Turning the sources into the site's pages.

The Jinja2 templates and the context they get, the clause anchors (a Markdown extension), the
interview diagram, and the MkDocs hooks that put the pages, the engine's files and the finishing
steps into a build. Reads `source`, `publishing`, `finishing` and `engine_assets`.
"""
