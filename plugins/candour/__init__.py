"""Candour: a static-site generator for candid case studies.

The core (`loader`, `model`, `rules`, `validation`, `casebook`, `problems`, `vocabulary`,
`settings`) never imports MkDocs; `plugin` and `cli` adapt it.
"""

__version__ = "0.1.0"
