"""A bare Django app: the yardstick that bench/serve.py measures Cocrea's pages against."""
