"""Readers and writers: spike files in HNN-core's text format (:mod:`.spikefiles`) and
NWB units (:mod:`.nwb`, needs pynwb: ``pip install eqsim[nwb]``), and one HDF5 file
per run (:mod:`.hdf5`)."""
from .spikefiles import SpikeTrial, read_spike_file, read_spikes, write_spikes
from .nwb import read_nwb, write_nwb
from .hdf5 import RunRecord, load_hdf5, save_hdf5

__all__ = ["SpikeTrial", "read_spikes", "read_spike_file", "write_spikes", "read_nwb",
           "write_nwb", "save_hdf5", "load_hdf5", "RunRecord"]
