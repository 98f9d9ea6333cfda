"""The soak (`make soak`): see `gotong_soak.__main__`."""
