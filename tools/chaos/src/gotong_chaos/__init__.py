"""``make chaos``: the whole platform on a stack of its own, under open-loop load through
the public APIs while a nemesis kills, pauses and cuts its processes and servers; then a
checker that holds every acknowledged command against the end state (``gotong_chaos.
checker``). docs/reliability.md ("make chaos") says what it does and what it found."""
