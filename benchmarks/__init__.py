"""``make bench``: the project's timings at scale, as ratios against baselines measured in the
same run (see the README's Performance section)."""
