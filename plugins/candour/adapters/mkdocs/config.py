"""The candour plugin's options, as MkDocs declares them.

Their values are checked by `candour.core.settings.PluginOptions`, the one schema the command line
reads too; here each option is only named, so MkDocs passes it on (and a misspelt one is passed on
as well, so that schema can say what was meant: the plugin drops MkDocs' own warning about it, which
`mkdocs build --strict` would stop on before that schema could speak). A test holds these names to
the schema's.
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class CandourConfig(Config):
    cases_dir = c.Optional(c.Type(object))
    vocabulary = c.Optional(c.Type(object))
    min_words = c.Optional(c.Type(object))
    search = c.Optional(c.Type(object))
    search_stories = c.Optional(c.Type(object))
    waivers = c.Optional(c.Type(object))
    private_contact = c.Optional(c.Type(object))
    peers = c.Optional(c.Type(object))
    network_dir = c.Optional(c.Type(object))
