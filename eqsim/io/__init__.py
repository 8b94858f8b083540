"""Readers and writers: spike files in HNN-core's text format (:mod:`.spikefiles`) and
NWB units (:mod:`.nwb`, needs pynwb: ``pip install eqsim[nwb]``)."""
from .spikefiles import SpikeTrial, read_spike_file, read_spikes, write_spikes
from .nwb import read_nwb, write_nwb

__all__ = ["SpikeTrial", "read_spikes", "read_spike_file", "write_spikes", "read_nwb",
           "write_nwb"]
