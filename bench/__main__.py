"""``make bench``: every benchmark, bounded to a few minutes, figures printed (never asserted)."""
import sys

from bench import completions, fan_out, http_read, round_trips, site_size, stand_in

if __name__ == "__main__":
    # site_size at its own defaults takes about 7 minutes (RESULTS.md); one run of 5 calls about 80 s.
    # bench.memory (10 minutes of load) is run on its own.
    sys.exit(completions.main([]) or http_read.main(["--repeats", "1"]) or fan_out.main(["--completions", "10"])
             or round_trips.main([]) or site_size.main(["--repeats", "1", "--calls", "5"])
             or stand_in.main(["--seconds", "2", "--repeats", "1"]))
