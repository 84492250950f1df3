"""gdviz: watch gradient descent generalise on a tiny linear network.

Follows the "Generalizing gradient descent" chapter of *Grokking Deep Learning*.
The numpy-only engine lives in :mod:`gdviz.core`; the Qt window in :mod:`gdviz.ui`.
"""

__version__ = "0.3.0"
