"""dualgen: matching Flask and Express starter projects from one set of choices.

The public API is plain Python: `build` a spec, `render` it, `serve` the result.
"""

__version__ = "0.1.0"
