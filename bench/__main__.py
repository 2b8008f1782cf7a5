"""``make bench``: every benchmark, bounded to a few minutes, figures printed (never asserted)."""
import sys

from bench import completions, fan_out, http_read

if __name__ == "__main__":
    sys.exit(completions.main([]) or http_read.main([]) or fan_out.main(["--completions", "10"]))
