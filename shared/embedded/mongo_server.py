"""Entry point of the stand-in with its logging capped at ERROR.

At INFO it logs every command with its values (an MRN searched, a name prefix): protected health
information must not reach logs, so its root logger is configured before its own basicConfig runs.
"""
import logging
import sys

from nx_27017.nx_27017 import main

if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
