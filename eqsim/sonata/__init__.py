"""SONATA networks: read BMTK's files, run them as PointNet would, write SONATA.

>>> import eqsim.sonata as sonata                                   # doctest: +SKIP
>>> result = sonata.run("path/to/config.json")                      # doctest: +SKIP
>>> result.spikes["cortex"]            # (node_ids, times in ms)    # doctest: +SKIP

Reading is vectorised (h5py datasets in, numpy arrays out); see docs/sonata.md for what
is read, what is written and how NEST model names map onto eqsim models.
"""
from .build import Built, build
from .circuit import Circuit, load_circuit
from .config import SimulationConfig, load_config, resolve_node_set
from .edges import EdgePopulation, read_edge_file
from .errors import SonataError
from .nodes import NodePopulation, read_node_file
from .reports import read_report, write_report
from .run import Result, run
from .spikes import (SpikeTrains, poisson_spikes, read_spikes, read_spikes_csv,
                     read_spikes_h5, write_spikes_csv, write_spikes_h5)
from .types import TypesTable
from .write import spikes_from_monitors, write_network

load = load_circuit

__all__ = ["Built", "Circuit", "EdgePopulation", "NodePopulation", "Result",
           "SimulationConfig", "SonataError", "SpikeTrains", "TypesTable", "build",
           "load", "load_circuit", "load_config", "poisson_spikes", "read_edge_file",
           "read_node_file", "read_report", "read_spikes", "read_spikes_csv",
           "read_spikes_h5", "resolve_node_set", "run", "spikes_from_monitors",
           "write_network", "write_report", "write_spikes_csv", "write_spikes_h5"]
