#!/usr/bin/env python
"""Django's manage.py; the ``cocrea`` command does the same with friendlier names."""

from cocrea.cli import main

if __name__ == "__main__":
    main()
