// Placeholder until the scenario loader lands.
