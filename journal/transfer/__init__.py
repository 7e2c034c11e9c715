"""Formats shared by export and import: the document every reader produces, and the
Markdown layout."""
