def write_network(*a, **k): raise NotImplementedError
def spikes_from_monitors(*a, **k): raise NotImplementedError
