"""The importer's five stages, in the order ``csvio.engine.Importer.run`` calls them: read, parse, plan, match, write.

``read`` is functions over bytes; the other four are mixins of ``Importer``,
whose hooks each kind in ``csvio/kinds/`` may override. The module map of the
app is in ``csvio/__init__.py``.
"""
