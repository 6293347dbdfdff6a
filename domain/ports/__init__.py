"""Ports: the capabilities the domain needs from the outside world, as Protocols.

One module per capability (document, face, liveness, kya, screening, ...). Adapters in ``ml/``
and ``adapters/`` implement them; tests use ``Fake<Port>`` doubles.
"""
