"""Pure computations: data in, data out. No Django, no request, no template.

Every module here is unit- and property-tested and checked by mypy.
"""
