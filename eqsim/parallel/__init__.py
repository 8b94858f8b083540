"""Running one network on many processes: MPI ranks (comm, partition) and trials."""
