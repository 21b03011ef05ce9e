// Placeholder until the scheduler plugins land.
