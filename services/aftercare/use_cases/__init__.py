"""Aftercare's application layer: one module per use case or aggregate, called by the API, the
event handlers and the sweeps with the store, the cause and (when its calendar matters) the site."""
