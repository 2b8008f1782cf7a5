"""``python -m system.dead_letters``: kept for scripts written before ``iop``; the same as
``iop dead-letters`` (list, show, replay, discard), which its help describes."""
import sys

from system.cli import main

if __name__ == "__main__":
    sys.exit(main(["dead-letters", *sys.argv[1:]]))
